// 简体中文：HTTP 推送设备的密钥（issue 18）。
export const deviceKeys = {
  deviceKeys: {
    heading: '设备密钥',
    intro:
      '此设备自行发送读数：使用以下某个密钥调用 POST /v1/ingest/http（Authorization: Bearer …）。密钥只在创建时显示一次，系统只保存其哈希值。',
    none: '还没有密钥：请创建一个并写入设备。',
    name: '名称',
    prefix: '开头',
    created: '创建时间',
    lastUsed: '最近使用',
    never: '从未',
    status: '状态',
    active: '使用中',
    revoked: '已吊销',
    revoke: '吊销',
    confirmRevoke: '吊销 {name}？在获得新密钥之前，设备的下一次请求起将被拒绝。',
    create: '创建密钥',
    creating: '正在创建…',
    createdOnce: '密钥 {name} 已创建。请立即复制到设备中：它不会再次显示。',
    secret: '设备密钥',
    readOnly: '工程师可以创建和吊销密钥。',
  },
};
