/** A client certificate and its key for one gateway, issued once; only serial and fingerprint are kept. */
export interface IssuedGatewayCertificate {
  /** PEM: the certificate, its private key, and the CA that the broker's certificate chains to. */
  certificatePem: string;
  privateKeyPem: string;
  caPem: string;
  /** Hex serial and SHA-256 fingerprint (lower-case hex of the DER), as stored. */
  serial: string;
  fingerprintSha256: string;
  notAfter: Date;
}

/** Issues gateway client certificates: a local CA under DATA_DIR locally, AWS IoT Core on AWS. */
export interface GatewayCertificateIssuer {
  /** The mqtts:// URL gateways connect to. */
  endpoint(): string;
  issue(gateway: { tenantId: string; siteId: string; gatewayId: string }): Promise<IssuedGatewayCertificate>;
  /** The gateway was deleted: none of its certificates may connect again. */
  retire(gatewayId: string): Promise<void>;
}
