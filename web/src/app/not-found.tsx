import type { Metadata } from 'next';
import Link from 'next/link';
import { strings } from '../strings.ts';

export const metadata: Metadata = { title: strings.errors.notFoundTitle };

export default function NotFound() {
  return (
    <div className="narrow">
      <h1>{strings.errors.notFoundHeading}</h1>
      <p>{strings.errors.notFoundText}</p>
      <p>
        <Link href="/fleet">{strings.errors.backToFleet}</Link>
      </p>
    </div>
  );
}
