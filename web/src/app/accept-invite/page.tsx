import type { Metadata } from 'next';
import { AcceptInviteForm } from '../../components/auth-forms.tsx';
import { acceptInvite } from '../../server/actions.ts';
import { strings } from '../../strings.ts';

export const metadata: Metadata = { title: strings.auth.acceptTitle };

export default function AcceptInvitePage() {
  return (
    <main id="main" className="narrow">
      <h1>{strings.auth.acceptHeading}</h1>
      <p>{strings.auth.acceptIntro}</p>
      <AcceptInviteForm action={acceptInvite} />
    </main>
  );
}
