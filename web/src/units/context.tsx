'use client';
// The viewer's unit choices for client components (live values, trends), set once by the root layout.
import { createContext, type ReactNode, useContext } from 'react';
import type { UnitPreferences } from './display.ts';

const UnitPreferencesContext = createContext<UnitPreferences>({});

export function UnitPreferencesProvider(props: { value: UnitPreferences; children: ReactNode }) {
  return <UnitPreferencesContext value={props.value}>{props.children}</UnitPreferencesContext>;
}

export const useUnitPreferences = (): UnitPreferences => useContext(UnitPreferencesContext);
