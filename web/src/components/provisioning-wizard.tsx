'use client';
// The gateway setup wizard (issue #6, ADR 0019): (1) pick or create the gateway, (2) download its
// provisioning bundle, (3) the docker run (or npx) commands to start it, (4) wait until it reports.
// The commands follow edge-gateway/README.md; the bundle comes through the web server's POST route,
// which never caches it; "first data" is the site's live values polled for this gateway's tags.
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useEffect, useId, useState, useTransition } from 'react';
import { ONLINE_WINDOW_MS } from '../fleet-status.ts';
import { dockerCommands, npxCommands } from '../gateway-commands.ts';
import { siteLiveSchema } from '../live-types.ts';
import { createGatewayForSetup } from '../server/provisioning-actions.ts';

const WAIT_POLL_MS = 3_000;

interface WizardGateway {
  id: string;
  name: string;
  siteId: string;
}

/** The wizard's steps, in order. */
const STEPS = ['gateway', 'bundle', 'run', 'firstData'] as const;

function CopyBlock({ text, what }: { text: string; what: string }) {
  const w = useTranslations('wizard');
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2_000);
    } catch {
      setCopied(false); // no clipboard (plain http): the text stays selectable
    }
  };
  return (
    <div className="command">
      <pre>
        <code>{text}</code>
      </pre>
      <button
        type="button"
        className="secondary"
        aria-label={w('copyLabel', { what: what })}
        onClick={() => void copy()}
      >
        {copied ? w('copied') : w('copy')}
      </button>
    </div>
  );
}

function FirstData({ gateway }: { gateway: WizardGateway }) {
  const w = useTranslations('wizard');
  const [state, setState] = useState<{ status: 'waiting' | 'error' } | { status: 'reporting'; tags: number }>(
    {
      status: 'waiting',
    },
  );
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const abort = new AbortController();
    async function check() {
      try {
        const response = await fetch(`/api/sites/${encodeURIComponent(gateway.siteId)}/live`, {
          cache: 'no-store',
          signal: abort.signal,
        });
        if (!response.ok) throw new Error(`live values answered ${response.status}`);
        const live = siteLiveSchema.parse(await response.json());
        // Recent data only: a gateway set up again must not look green from what it sent before.
        const tags = live.values.filter(
          (v) => v.gatewayId === gateway.id && live.now - v.ts <= ONLINE_WINDOW_MS,
        ).length;
        if (tags > 0) {
          setState({ status: 'reporting', tags });
          return; // done: it reports
        }
        setState({ status: 'waiting' });
      } catch (error) {
        if ((error as Error).name === 'AbortError') return;
        setState({ status: 'error' });
      }
      if (!stopped) timer = setTimeout(check, WAIT_POLL_MS);
    }
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
      abort.abort();
    };
  }, [gateway.id, gateway.siteId]);
  return (
    <div role="status" aria-live="polite" className={`first-data ${state.status}`}>
      {state.status === 'reporting' ? (
        <p className="ok">
          <strong>{w('reporting', { count: state.tags })}</strong>
        </p>
      ) : state.status === 'error' ? (
        <p className="error">{w('checkFailed')}</p>
      ) : (
        <>
          <p>{w('waiting')}</p>
          <p className="hint">{w('noTagsYet')}</p>
        </>
      )}
    </div>
  );
}

export function ProvisioningWizard(props: {
  sites: { id: string; name: string }[];
  gateways: WizardGateway[];
  initialSiteId?: string | undefined;
}) {
  const w = useTranslations('wizard');
  const t = useTranslations();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState(0);
  // Unset until the user picks: the page's list may grow (a gateway added by the form above) after mount.
  const [picked, setChoice] = useState<string | null>(null);
  const [created, setCreated] = useState<WizardGateway[]>([]);
  const [form, setForm] = useState({
    siteId: props.initialSiteId ?? props.sites[0]?.id ?? '',
    name: '',
    description: '',
  });
  const [problem, setProblem] = useState<{ message: string; fieldErrors: Record<string, string> } | null>(
    null,
  );
  const [download, setDownload] = useState<'idle' | 'busy' | 'done' | { error: string }>('idle');
  const [pending, startTransition] = useTransition();

  const gateways = [...props.gateways, ...created.filter((c) => !props.gateways.some((g) => g.id === c.id))];
  const choice = picked ?? gateways[0]?.id ?? 'new';
  const gateway = gateways.find((g) => g.id === choice);
  const siteName = (siteId: string) => props.sites.find((s) => s.id === siteId)?.name ?? siteId;

  const create = () =>
    startTransition(async () => {
      setProblem(null);
      const result = await createGatewayForSetup(form);
      if (!result.ok) {
        setProblem({ message: result.message, fieldErrors: result.fieldErrors });
        return;
      }
      setCreated((list) => [...list, result.gateway]);
      setChoice(result.gateway.id);
      setStep(1);
    });

  const downloadBundle = async () => {
    if (!gateway) return;
    setDownload('busy');
    try {
      const response = await fetch(`/api/gateways/${encodeURIComponent(gateway.id)}/provisioning-bundle`, {
        method: 'POST',
        cache: 'no-store',
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setDownload({ error: body?.error?.message ?? t('errors.generic') });
        return;
      }
      // Handed to the browser as a file straight away; the page keeps no copy of the key.
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = 'bundle.json';
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDownload('done');
    } catch {
      setDownload({ error: t('errors.generic') });
    }
  };

  const field = (name: 'siteId' | 'name' | 'description') => ({
    id: `${id}-${name}`,
    'aria-invalid': problem?.fieldErrors[name] ? true : undefined,
    'aria-describedby': problem?.fieldErrors[name] ? `${id}-${name}-error` : undefined,
  });
  const fieldError = (name: string) =>
    problem?.fieldErrors[name] ? (
      <span id={`${id}-${name}-error`} className="error">
        {problem.fieldErrors[name]}
      </span>
    ) : null;

  const stepName = w(`steps.${STEPS[step] ?? 'gateway'}`);
  if (!open) {
    return (
      <section className="wizard" aria-labelledby={`${id}-heading`}>
        <h2 id={`${id}-heading`}>{w('heading')}</h2>
        <p className="muted">{w('intro')}</p>
        <button type="button" onClick={() => setOpen(true)}>
          {w('open')}
        </button>
      </section>
    );
  }
  return (
    <section className="wizard card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{w('heading')}</h2>
      <p className="muted">{w('intro')}</p>
      <ol className="wizard-steps">
        {STEPS.map((name, index) => (
          <li
            key={name}
            aria-current={index === step ? 'step' : undefined}
            className={index < step ? 'done' : ''}
          >
            {w(`steps.${name}`)}
          </li>
        ))}
      </ol>
      <h3>{w('stepOf', { n: step + 1, total: STEPS.length, name: stepName })}</h3>

      {step === 0 ? (
        <div className="form">
          <label htmlFor={`${id}-gateway`}>{w('existing')}</label>
          <select id={`${id}-gateway`} value={choice} onChange={(event) => setChoice(event.target.value)}>
            {gateways.map((g) => (
              <option key={g.id} value={g.id}>
                {w('chosen', { name: g.name, site: siteName(g.siteId) })}
              </option>
            ))}
            <option value="new">{w('newGateway')}</option>
          </select>
          <p className="hint">{w('existingHint')}</p>
          {choice === 'new' ? (
            <fieldset>
              <legend>{w('newGateway')}</legend>
              <label htmlFor={`${id}-siteId`}>{w('site')}</label>
              <select
                {...field('siteId')}
                value={form.siteId}
                onChange={(event) => setForm({ ...form, siteId: event.target.value })}
              >
                {props.sites.map((site) => (
                  <option key={site.id} value={site.id}>
                    {site.name}
                  </option>
                ))}
              </select>
              {fieldError('siteId')}
              <label htmlFor={`${id}-name`}>{w('name')}</label>
              <input
                {...field('name')}
                required
                value={form.name}
                onChange={(event) => setForm({ ...form, name: event.target.value })}
              />
              {fieldError('name')}
              <label htmlFor={`${id}-description`}>{w('description')}</label>
              <input
                {...field('description')}
                value={form.description}
                onChange={(event) => setForm({ ...form, description: event.target.value })}
              />
              {fieldError('description')}
              <div role="status" aria-live="polite">
                {problem ? <p className="error">{problem.message}</p> : null}
              </div>
              <div className="form-actions">
                <button type="button" disabled={pending} onClick={create}>
                  {pending ? w('creating') : w('create')}
                </button>
              </div>
            </fieldset>
          ) : (
            <div className="form-actions">
              <button type="button" disabled={!gateway} onClick={() => setStep(1)}>
                {w('next')}
              </button>
            </div>
          )}
        </div>
      ) : null}

      {step === 1 && gateway ? (
        <div>
          <p>
            <strong>{w('chosen', { name: gateway.name, site: siteName(gateway.siteId) })}</strong>
          </p>
          <p>{w('bundleText')}</p>
          <div className="form-actions">
            <button type="button" disabled={download === 'busy'} onClick={() => void downloadBundle()}>
              {w('download')}
            </button>
          </div>
          <div role="status" aria-live="polite">
            {download === 'done' ? <p className="ok">{w('downloaded')}</p> : null}
            {typeof download === 'object' ? <p className="error">{download.error}</p> : null}
          </div>
        </div>
      ) : null}

      {step === 2 ? (
        <div>
          <p>{w('runText')}</p>
          <CopyBlock text={dockerCommands} what={w('dockerCommand')} />
          <p className="hint">{w('dockerNote')}</p>
          <p>{w('npxText')}</p>
          <CopyBlock text={npxCommands} what={w('npxCommand')} />
        </div>
      ) : null}

      {step === 3 && gateway ? (
        <div>
          <FirstData gateway={gateway} />
          <p>
            <Link href={`/sites/${gateway.siteId}`}>{w('openSite')}</Link>
          </p>
        </div>
      ) : null}

      {step > 0 ? (
        <div className="form-actions wizard-nav">
          <button type="button" className="secondary" onClick={() => setStep(step - 1)}>
            {w('back')}
          </button>
          {step < 3 ? (
            <button type="button" onClick={() => setStep(step + 1)}>
              {w('next')}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
