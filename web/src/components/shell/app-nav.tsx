'use client';
// The navigation by job. Wide screens: the Monitor pages as links, the other groups as menus. Phones:
// one Menu button opening every group in a dialog. Radix gives the keyboard and screen-reader behaviour.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { Dialog, DropdownMenu } from 'radix-ui';
import { useState } from 'react';
import { isCurrent, type NavGroup } from './nav-groups.ts';

function GroupMenu({ group, pathname }: { group: NavGroup; pathname: string }) {
  const t = useTranslations('nav');
  const active = group.links.some((link) => isCurrent(link.href, pathname));
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className={`nav-trigger${active ? ' active' : ''}`}>
        {t(`groups.${group.id}`)} <span aria-hidden="true">▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="start" sideOffset={4}>
          {group.links.map((link) => (
            <DropdownMenu.Item key={link.id} asChild>
              <Link
                href={link.href}
                className="menu-item"
                aria-current={isCurrent(link.href, pathname) ? 'page' : undefined}
              >
                {t(`links.${link.id}`)}
              </Link>
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function PhoneMenu({ groups, pathname }: { groups: NavGroup[]; pathname: string }) {
  const t = useTranslations('nav');
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className="nav-trigger phone-menu-button">{t('menu')}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="sheet-overlay" />
        <Dialog.Content className="sheet" aria-describedby={undefined}>
          <div className="sheet-head">
            <Dialog.Title className="sheet-title">{t('menu')}</Dialog.Title>
            <Dialog.Close className="secondary">{t('close')}</Dialog.Close>
          </div>
          <nav aria-label={t('label')}>
            {groups.map((group) => (
              <section key={group.id} aria-labelledby={`phone-nav-${group.id}`}>
                <h2 id={`phone-nav-${group.id}`}>{t(`groups.${group.id}`)}</h2>
                <ul>
                  {group.links.map((link) => (
                    <li key={link.id}>
                      <Link
                        href={link.href}
                        onClick={() => setOpen(false)}
                        aria-current={isCurrent(link.href, pathname) ? 'page' : undefined}
                      >
                        {t(`links.${link.id}`)}
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </nav>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

export function AppNav({ groups }: { groups: NavGroup[] }) {
  const t = useTranslations('nav');
  const pathname = usePathname();
  const [monitor, ...menus] = groups;
  return (
    <>
      <nav aria-label={t('label')} className="wide-nav">
        <ul>
          {monitor?.links.map((link) => (
            <li key={link.id}>
              <Link href={link.href} aria-current={isCurrent(link.href, pathname) ? 'page' : undefined}>
                {t(`links.${link.id}`)}
              </Link>
            </li>
          ))}
          {menus.map((group) => (
            <li key={group.id}>
              <GroupMenu group={group} pathname={pathname} />
            </li>
          ))}
        </ul>
      </nav>
      <div className="phone-nav">
        <PhoneMenu groups={groups} pathname={pathname} />
      </div>
    </>
  );
}
