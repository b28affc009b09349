'use client';
// The display settings form: per quantity, the unit to show values in (or the tag's own), and the time
// zone times are shown in (or the browser's). Saved for the user: they follow them to other devices.
import { convertibleUnits, type UnitQuantity, unitCatalogue } from '@plantwatch/shared';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import type { FormState } from '../form-state.ts';
import { CHOOSABLE_QUANTITIES, type UnitPreferences } from '../units/display.ts';
import { ActionForm, SelectField } from './forms.tsx';

const unitsOf = (quantity: UnitQuantity) => {
  const first = unitCatalogue.find((unit) => unit.quantity === quantity);
  return first ? convertibleUnits(first.symbol).map((unit) => unit.symbol) : [];
};

const zoneNames = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
};

export function UnitsForm(props: {
  chosen: UnitPreferences;
  /** The zone the user chose; null follows the browser. */
  timeZone: string | null;
  save: (previous: FormState, form: FormData) => Promise<FormState>;
}) {
  const t = useTranslations('units');
  const router = useRouter();
  // Said outside the form: the form is made anew with the saved choices, its own status with it.
  const [saved, setSaved] = useState('');
  return (
    <>
      <p className="ok" role="status">
        {saved}
      </p>
      <ActionForm
        // Re-mounted with what was saved, so the selects show it.
        key={JSON.stringify([props.chosen, props.timeZone])}
        action={props.save}
        label={t('formLabel')}
        submitLabel={t('save')}
        pendingLabel={t('saving')}
        onDone={(state) => {
          if (state.status !== 'ok') return;
          setSaved(state.message ?? '');
          router.refresh();
        }}
      >
        {CHOOSABLE_QUANTITIES.map((quantity) => (
          <SelectField
            key={quantity}
            name={quantity}
            label={t(`quantities.${quantity}`)}
            defaultValue={props.chosen[quantity] ?? ''}
            options={[
              { value: '', label: t('asConfigured') },
              ...unitsOf(quantity).map((symbol) => ({ value: symbol, label: symbol })),
            ]}
          />
        ))}
        <SelectField
          name="timeZone"
          label={t('timeZone')}
          hint={t('timeZoneHint')}
          defaultValue={props.timeZone ?? ''}
          options={[
            { value: '', label: t('followBrowser') },
            ...zoneNames().map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') })),
          ]}
        />
      </ActionForm>
    </>
  );
}
