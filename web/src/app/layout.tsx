import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { HydratedMarker } from '../components/hydrated.tsx';
import { strings } from '../strings.ts';
import './globals.css';

export const metadata: Metadata = {
  title: { template: `%s · ${strings.titleSuffix}`, default: strings.product },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          {strings.skipToContent}
        </a>
        {children}
        <HydratedMarker />
      </body>
    </html>
  );
}
