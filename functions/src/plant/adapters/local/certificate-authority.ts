// The local certificate authority: one EC P-256 CA kept under DATA_DIR/ca, which signs the broker's
// server certificate at every start and one client certificate per gateway when it is provisioned.
// node:crypto cannot sign certificates, so @peculiar/x509 does, on node's WebCrypto.
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API first.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { GatewayCertificateIssuer, IssuedGatewayCertificate } from '../../ports.ts';

// The last overload of set is (name, crypto): its second parameter is x509's own Crypto type.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface LocalCertificateAuthority {
  caPem: string;
  /** A fresh server certificate for the broker, valid for these host names and IP addresses. */
  issueServerCertificate(
    hosts: readonly string[],
  ): Promise<{ certificatePem: string; privateKeyPem: string }>;
  issueGatewayCertificate(gateway: {
    tenantId: string;
    siteId: string;
    gatewayId: string;
  }): Promise<IssuedGatewayCertificate>;
}

const generateKeys = () =>
  webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** The lower-case hex SHA-256 of the certificate's DER: what the broker and the store compare. */
export function certificateFingerprint(der: ArrayBuffer | Buffer): string {
  return createHash('sha256')
    .update(Buffer.from(der as ArrayBuffer))
    .digest('hex');
}

const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');

async function loadOrCreateCa(
  dir: string | null,
): Promise<{ certificate: x509.X509Certificate; key: CryptoKey }> {
  const certPath = dir && join(dir, 'ca.cert.pem');
  const keyPath = dir && join(dir, 'ca.key.pem');
  if (certPath && keyPath) {
    try {
      const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
      const key = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), EC, true, [
        'sign',
      ]);
      return { certificate: new x509.X509Certificate(certPem), key };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const keys = await generateKeys();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Plantwatch local CA',
    keys,
    signingAlgorithm: SIGNING,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 20 * 365 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  if (dir && certPath && keyPath) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(keyPath, await privateKeyPem(keys.privateKey), { mode: 0o600 });
    await chmod(keyPath, 0o600);
    await writeFile(certPath, certificate.toString('pem'));
  }
  return { certificate, key: keys.privateKey };
}

/** Opens the CA kept in `dir` (created on first use), or an in-memory one when `dir` is null. */
export async function openLocalCertificateAuthority(dir: string | null): Promise<LocalCertificateAuthority> {
  const ca = await loadOrCreateCa(dir);
  const caPem = ca.certificate.toString('pem');
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey);

  async function sign(
    subject: string,
    days: number,
    extensions: x509.Extension[],
  ): Promise<{ certificate: x509.X509Certificate; privateKeyPem: string }> {
    const keys = await generateKeys();
    const now = Date.now();
    const certificate = await x509.X509CertificateGenerator.create({
      subject,
      issuer: ca.certificate.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + days * DAY_MS),
      signingAlgorithm: SIGNING,
      publicKey: keys.publicKey,
      signingKey: ca.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        authorityKeyId,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ...extensions,
      ],
    });
    return { certificate, privateKeyPem: await privateKeyPem(keys.privateKey) };
  }

  return {
    caPem,
    async issueServerCertificate(hosts) {
      const { certificate, privateKeyPem } = await sign('CN=Plantwatch local broker', 825, [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          hosts.map((host) => (isIp(host) ? { type: 'ip', value: host } : { type: 'dns', value: host })),
        ),
      ]);
      return { certificatePem: certificate.toString('pem'), privateKeyPem };
    },
    async issueGatewayCertificate({ tenantId, siteId, gatewayId }) {
      const { certificate, privateKeyPem } = await sign(
        `CN=${gatewayId}, OU=${siteId}, O=${tenantId}`,
        2 * 365,
        [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        ],
      );
      return {
        certificatePem: certificate.toString('pem'),
        privateKeyPem,
        caPem,
        serial: certificate.serialNumber.toLowerCase(),
        fingerprintSha256: certificateFingerprint(certificate.rawData),
        notAfter: certificate.notAfter,
      };
    },
  };
}

/** The GatewayCertificateIssuer port on the local CA; the endpoint is known once the broker listens. */
export function localGatewayCertificateIssuer(
  authority: LocalCertificateAuthority,
  endpoint: () => string,
  /** Written into every bundle: how long a gateway may hold changes to publish them together. */
  publishIntervalMs?: number,
): GatewayCertificateIssuer {
  return {
    endpoint,
    ...(publishIntervalMs !== undefined ? { publishSettings: () => ({ publishIntervalMs }) } : {}),
    issue: (gateway) => authority.issueGatewayCertificate(gateway),
    // The broker admits only certificates recorded for an existing gateway, and those records go
    // with the gateway (ON DELETE CASCADE): nothing is left to revoke here.
    retire: async () => {},
  };
}
