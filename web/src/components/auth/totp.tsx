'use client';
// Setting up an authenticator app (a QR code of the otpauth:// URI, and the secret as text for typing
// in), and the recovery codes, shown once. Used at a required login enrolment and on the account page.
import { useTranslations } from 'next-intl';
import { QRCodeSVG } from 'qrcode.react';
import { useId, useState } from 'react';
import type { TotpSetup } from '../../account-state.ts';
import '../../app/accounts.css';

export function TotpQr({ totp }: { totp: TotpSetup }) {
  const t = useTranslations('accountAuth');
  const secretId = useId();
  // Groups of four, as authenticator apps show them; spaces do not matter when typed in.
  const grouped = totp.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <div className="totp-setup">
      <figure className="totp-qr">
        <QRCodeSVG
          value={totp.otpauthUri}
          size={192}
          marginSize={4}
          level="M"
          bgColor="#ffffff"
          fgColor="#000000"
          role="img"
          aria-label={t('qrLabel')}
        />
        <figcaption className="hint">{t('qrHint')}</figcaption>
      </figure>
      <div className="totp-secret field">
        <label htmlFor={secretId}>{t('secretLabel')}</label>
        <input id={secretId} readOnly value={grouped} data-secret={totp.secret} spellCheck={false} />
      </div>
    </div>
  );
}

/** The codes a second factor was just turned on with: shown once, with copy and download. */
export function RecoveryCodes(props: { codes: string[]; onDone?: () => void; doneLabel?: string }) {
  const t = useTranslations('accountAuth');
  const [copied, setCopied] = useState(false);
  const textFile = `${props.codes.join('\n')}\n`;
  return (
    <section className="recovery-codes" aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">{t('recoveryHeading')}</h2>
      <p>{t('recoveryIntro')}</p>
      <ol className="code-list">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="form-actions">
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void navigator.clipboard?.writeText(textFile).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('copied') : t('copyCodes')}
        </button>
        <a
          className="button secondary-link"
          download="plantwatch-recovery-codes.txt"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(textFile)}`}
        >
          {t('downloadCodes')}
        </a>
        {props.onDone ? (
          <button type="button" onClick={props.onDone}>
            {props.doneLabel ?? t('savedContinue')}
          </button>
        ) : null}
      </div>
    </section>
  );
}
