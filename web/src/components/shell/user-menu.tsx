'use client';
// Who is signed in, and their display choices: theme (system, light, dark), language, and logging out.
import { useRouter } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { useLocale, useTranslations } from 'next-intl';
import { DropdownMenu } from 'radix-ui';
import { useState, useTransition } from 'react';
import { LOCALE_NAMES, LOCALES } from '../../i18n/locales.ts';
import { savePreference } from '../../server/preference-actions.ts';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
type ThemeChoice = (typeof THEME_CHOICES)[number];

export function UserMenu(props: { name: string; role: string; tenant: string; theme: ThemeChoice }) {
  const t = useTranslations('nav');
  const locale = useLocale();
  const router = useRouter();
  const [theme, setTheme] = useState<ThemeChoice>(props.theme);
  const [, startTransition] = useTransition();

  const chooseTheme = (value: string) => {
    const next = THEME_CHOICES.find((choice) => choice === value) ?? 'system';
    setTheme(next);
    document.documentElement.dataset.theme = next;
    void savePreference({ name: 'theme', value: next });
  };
  const chooseLocale = (value: string) => {
    const next = LOCALES.find((choice) => choice === value);
    if (!next || next === locale) return;
    startTransition(async () => {
      await savePreference({ name: 'locale', value: next });
      router.refresh();
    });
  };

  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        className="nav-trigger user-trigger"
        aria-label={t('userMenu', { name: props.name })}
      >
        <span className="user-name">{props.name}</span> <span aria-hidden="true">▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
          <DropdownMenu.Label className="menu-label">
            {t('signedInAs', { name: props.name, role: props.role, tenant: props.tenant })}
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Label className="menu-label">{t('theme')}</DropdownMenu.Label>
          <DropdownMenu.RadioGroup value={theme} onValueChange={chooseTheme}>
            {THEME_CHOICES.map((choice) => (
              <DropdownMenu.RadioItem key={choice} value={choice} className="menu-item">
                <DropdownMenu.ItemIndicator className="menu-check">✓</DropdownMenu.ItemIndicator>
                {t(`themes.${choice}`)}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Label className="menu-label">{t('language')}</DropdownMenu.Label>
          <DropdownMenu.RadioGroup value={locale} onValueChange={chooseLocale}>
            {LOCALES.map((choice) => (
              <DropdownMenu.RadioItem key={choice} value={choice} className="menu-item" lang={choice}>
                <DropdownMenu.ItemIndicator className="menu-check">✓</DropdownMenu.ItemIndicator>
                {LOCALE_NAMES[choice]}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item" onSelect={() => void signOut({ callbackUrl: '/login' })}>
            {t('logOut')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
