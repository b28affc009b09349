// Each user's home layout (issue #6): the tags and charts they pinned, in their order. Stored per user
// in the config store so the pins follow them from the control-room PC to their phone (ADR 0019).
import { z } from 'zod';
import { idSchema } from './ids.ts';

export * from './preferences.ts';

/** At most this many pins on one home page: more stops being an overview. */
export const MAX_HOME_PINS = 24;
/** A pinned chart draws at most this many tags, as the site trend panel does. */
export const MAX_CHART_PIN_TAGS = 8;

/** The trend ranges a pinned chart may show (the web app's trend panel offers the same). */
export const homeChartRanges = ['15m', '1h', '6h', '24h', '7d', '30d', '1y'] as const;
export type HomeChartRange = (typeof homeChartRanges)[number];

export const homeTagPinSchema = z.object({
  kind: z.literal('tag'),
  tagId: idSchema,
});

export const homeChartPinSchema = z.object({
  kind: z.literal('chart'),
  tagIds: z
    .array(idSchema)
    .min(1, { message: 'a chart needs at least one tag' })
    .max(MAX_CHART_PIN_TAGS, { message: `a chart shows at most ${MAX_CHART_PIN_TAGS} tags` })
    .refine((ids) => new Set(ids).size === ids.length, { message: 'a tag appears twice in the chart' }),
  range: z.enum(homeChartRanges),
});

export const homePinSchema = z.discriminatedUnion('kind', [homeTagPinSchema, homeChartPinSchema]);
export type HomePin = z.infer<typeof homePinSchema>;

/** PUT /v1/me/layout: the whole layout, replacing the previous one (order = position on the page). */
export const homeLayoutInputSchema = z.object({
  pins: z
    .array(homePinSchema)
    .max(MAX_HOME_PINS, { message: `at most ${MAX_HOME_PINS} pins on a home page` }),
});
export type HomeLayoutInput = z.infer<typeof homeLayoutInputSchema>;

/** A pinned tag as the home page shows it: what it is and where it sits. */
export const homeLayoutTagSchema = z.object({
  id: idSchema,
  name: z.string(),
  unit: z.string(),
  siteId: idSchema,
  gatewayId: idSchema,
  deviceId: idSchema,
});

/**
 * The layout as read: pins of tags the user can no longer see (deleted, or outside their sites now)
 * are left out, a chart keeping the tags it still may show; `tags` describes every tag left.
 */
export const homeLayoutSchema = z.object({
  pins: z.array(homePinSchema),
  tags: z.array(homeLayoutTagSchema),
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type HomeLayout = z.infer<typeof homeLayoutSchema>;
