'use client';
// The operating-curve rule's own fields (ADR 0048): where the curve comes from (a tenant curve template,
// or points typed one per line), the tolerance band and which side of it alarms. The X tag is chosen
// with the Y tag, among the site's tags (alarm-rule-form.tsx).
import { curveSides, curveToleranceModes } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { type CurveSource, curvePointsText, curveSources, type FormFields } from '../alarm-rule-form.ts';
import { Field, SelectField, TextAreaField } from './forms.tsx';

export interface CurveTemplate {
  id: string;
  name: string;
  xUnit: string;
  yUnit: string;
  points: readonly (readonly [number, number])[];
}

export function CurveFields(props: { initial: FormFields; curves: readonly CurveTemplate[] }) {
  const a = useTranslations('alarmRules');
  const { initial, curves } = props;
  // no template to choose from: the points box, ready to type into
  const [source, setSource] = useState<CurveSource>(
    (initial.curveSource as CurveSource | undefined) ?? (curves.length > 0 ? 'template' : 'points'),
  );
  const units = (curve: CurveTemplate) =>
    curve.xUnit || curve.yUnit ? ` (${curve.xUnit || '–'} → ${curve.yUnit || '–'})` : '';
  return (
    <>
      <SelectField
        name="curveSource"
        label={a('curveSource')}
        defaultValue={source}
        options={curveSources.map((s) => ({ value: s, label: a(`curveSources.${s}`) }))}
        onChange={(value) => setSource(value as CurveSource)}
      />
      {source === 'template' ? (
        <SelectField
          name="curveId"
          label={a('curveId')}
          hint={curves.length === 0 ? a('noCurves') : undefined}
          defaultValue={initial.curveId ?? curves[0]?.id}
          options={curves.map((curve) => ({
            value: curve.id,
            label: `${curve.name}${units(curve)}: ${curve.points.map(([x, y]) => `(${x}, ${y})`).join(' ')}`,
          }))}
        />
      ) : (
        <TextAreaField
          name="points"
          label={a('points')}
          hint={a('pointsHint')}
          rows={5}
          defaultValue={
            initial.points ??
            curvePointsText(curves.find((curve) => curve.id === initial.curveId)?.points ?? [])
          }
        />
      )}
      <Field
        name="tolerance"
        label={a('tolerance')}
        type="number"
        step="any"
        min={0}
        required
        defaultValue={initial.tolerance}
      />
      <SelectField
        name="toleranceMode"
        label={a('toleranceMode')}
        defaultValue={initial.toleranceMode ?? 'absolute'}
        options={curveToleranceModes.map((m) => ({ value: m, label: a(`toleranceModes.${m}`) }))}
      />
      <SelectField
        name="side"
        label={a('side')}
        defaultValue={initial.side ?? 'either'}
        options={curveSides.map((s) => ({ value: s, label: a(`sides.${s}`) }))}
      />
    </>
  );
}
