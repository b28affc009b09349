import type { Metadata } from 'next';
import { getViewer } from '../../../server/viewer.ts';
import { strings } from '../../../strings.ts';

export const metadata: Metadata = { title: strings.alarms.title };

export default async function AlarmsPage() {
  await getViewer();
  return (
    <>
      <h1>{strings.alarms.heading}</h1>
      <section className="empty">
        <p>{strings.alarms.coming}</p>
      </section>
    </>
  );
}
