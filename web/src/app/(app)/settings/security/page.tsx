import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { SecurityPolicyForm, SecurityPolicyView } from '../../../../components/account/security-policy.tsx';
import { getSecurityPolicy } from '../../../../server/account-data.ts';
import { can } from '../../../../server/viewer.ts';
import '../../../accounts.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('securityPolicy');
  return { title: t('title') };
}

export default async function SecurityPolicyPage() {
  const t = await getTranslations('securityPolicy');
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{t('heading')}</h1>
        <p className="notice">{t('needAdmin')}</p>
      </>
    );
  }
  const [policy, owner] = await Promise.all([getSecurityPolicy(), can('owner')]);
  return (
    <>
      <h1>{t('heading')}</h1>
      <p>{t('intro')}</p>
      {owner ? (
        <SecurityPolicyForm policy={policy} />
      ) : (
        <>
          <p className="notice">{t('ownerChanges')}</p>
          <SecurityPolicyView policy={policy} />
        </>
      )}
    </>
  );
}
