'use client';
// Re-reads the page's server data every few seconds while the tab is visible (gateway health comes
// from the status the gateway sends every 10 s); what the user typed in forms stays.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export function RefreshEvery({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return null;
}
