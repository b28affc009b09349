// Português do Brasil: as chaves de um dispositivo de envio HTTP (issue 18).
export const deviceKeys = {
  deviceKeys: {
    heading: 'Chaves do dispositivo',
    intro:
      'Este dispositivo envia suas leituras ele mesmo, para POST /v1/ingest/http com uma destas chaves (Authorization: Bearer …). A chave aparece uma única vez, ao ser criada; só o seu hash é guardado.',
    none: 'Nenhuma chave ainda: crie uma e coloque-a no dispositivo.',
    name: 'Nome',
    prefix: 'Começa com',
    created: 'Criada',
    lastUsed: 'Último uso',
    never: 'nunca',
    status: 'Situação',
    active: 'em uso',
    revoked: 'revogada',
    revoke: 'Revogar',
    confirmRevoke:
      'Revogar {name}? O dispositivo será recusado a partir do próximo envio até ter uma chave nova.',
    create: 'Criar uma chave',
    creating: 'Criando…',
    createdOnce: 'Chave {name} criada. Copie-a para o dispositivo agora: ela não aparece de novo.',
    secret: 'Chave do dispositivo',
    readOnly: 'Engenheiros criam e revogam chaves.',
  },
};
