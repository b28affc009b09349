'use client';
// Marks the page as interactive (html[data-hydrated]) so end-to-end tests never type into a page React has not taken over yet.
import { useEffect } from 'react';

export function HydratedMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return null;
}
