// Español: las claves de un dispositivo de envío HTTP (issue 18).
export const deviceKeys = {
  deviceKeys: {
    heading: 'Claves del dispositivo',
    intro:
      'Este dispositivo envía sus lecturas él mismo, a POST /v1/ingest/http con una de estas claves (Authorization: Bearer …). La clave se muestra una sola vez, al crearla; solo se guarda su hash.',
    none: 'Aún no hay claves: cree una y póngala en el dispositivo.',
    name: 'Nombre',
    prefix: 'Empieza por',
    created: 'Creada',
    lastUsed: 'Último uso',
    never: 'nunca',
    status: 'Estado',
    active: 'en uso',
    revoked: 'revocada',
    revoke: 'Revocar',
    confirmRevoke:
      '¿Revocar {name}? El dispositivo será rechazado desde su próximo envío hasta que tenga una clave nueva.',
    create: 'Crear una clave',
    creating: 'Creando…',
    createdOnce: 'Clave {name} creada. Cópiela en el dispositivo ahora: no se vuelve a mostrar.',
    secret: 'Clave del dispositivo',
    readOnly: 'Los ingenieros crean y revocan claves.',
  },
};
