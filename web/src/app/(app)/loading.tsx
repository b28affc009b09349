import { strings } from '../../strings.ts';

export default function Loading() {
  return (
    <p className="loading" role="status" aria-live="polite">
      {strings.loading}
    </p>
  );
}
