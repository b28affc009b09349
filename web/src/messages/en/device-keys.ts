// English: the keys of an HTTP push device (issue 18): made here, shown once, revoked here.
export const deviceKeys = {
  deviceKeys: {
    heading: 'Device keys',
    intro:
      'This device sends its readings itself, to POST /v1/ingest/http with one of these keys (Authorization: Bearer …). A key is shown once, when it is made; only its hash is kept.',
    none: 'No keys yet: make one and put it in the device.',
    name: 'Name',
    prefix: 'Starts with',
    created: 'Made',
    lastUsed: 'Last used',
    never: 'never',
    status: 'Status',
    active: 'in use',
    revoked: 'revoked',
    revoke: 'Revoke',
    confirmRevoke: 'Revoke {name}? The device is refused from its next request until it has a new key.',
    create: 'Make a key',
    creating: 'Making…',
    createdOnce: 'Key {name} made. Copy it into the device now: it is not shown again.',
    secret: 'Device key',
    readOnly: 'Engineers make and revoke keys.',
  },
};
