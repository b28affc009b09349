import 'server-only';
// The viewer's home layout as the pages read it: pins in order and the tags they name (ADR 0019).
import { type HomeLayout, homeLayoutSchema } from '@plantwatch/shared';
import { read } from './data.ts';

export const getHomeLayout = (): Promise<HomeLayout> => read('/v1/me/layout', homeLayoutSchema);
