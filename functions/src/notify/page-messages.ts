// The words of a page in each language a contact can have (shared/src/preferences.ts): ICU messages
// (the web app's syntax, run by FormatJS's intl-messageformat, the library under next-intl), because
// a digest counts ("1 alarm", "3 alarms", "e mais 2") and word order differs ("{site} 有 3 条报警").
// Every language is typed to English's keys, so a missing message does not compile. Names, values and
// units are not translated: the site, tag and limit are what people configured.
import { DEFAULT_LANGUAGE, type Language } from '@plantwatch/shared';
import { IntlMessageFormat } from 'intl-messageformat';

const en = {
  'severity.critical': 'CRITICAL',
  'severity.high': 'HIGH',
  'severity.medium': 'MEDIUM',
  'severity.low': 'LOW',
  'severityShort.critical': 'CRIT',
  'severityShort.high': 'HIGH',
  'severityShort.medium': 'MED',
  'severityShort.low': 'LOW',
  'severityWord.critical': 'critical',
  'severityWord.high': 'high',
  'severityWord.medium': 'medium',
  'severityWord.low': 'low',
  head: '{severity} alarm: {name}',
  headAtSite: '{severity} alarm at {site}: {name}',
  limit: 'limit {limit}',
  limitShort: 'lim {limit}',
  since: 'Since {time}.',
  step: 'Level {level}{round, plural, =0 {} other {, repeat #}}',
  ack: 'Reply {word} to acknowledge.',
  ackShort: 'Reply {word} to ack.',
  telegramAck: 'Reply OK (or ✅) to this message to acknowledge.',
  valueLine: 'Value: {value}',
  limitLine: 'Limit: {limit}',
  severityLine: 'Severity: {severity}',
  sinceLine: 'Since: {time} ({zone})',
  escalationLine: 'Escalation: level {level}{round, plural, =0 {} other {, repeat #}}',
  digestHead: '{count, plural, one {# alarm} other {# alarms}}',
  digestHeadAtSite: '{count, plural, one {# alarm} other {# alarms}} at {site}',
  digestMore: 'and {count} more',
  digestAck: 'Reply OK to ack all.',
  digestTelegramAck: 'Reply OK (or ✅) to this message to acknowledge all of them.',
  'limit.rising': 'rising',
  'limit.falling': 'falling',
  'limit.changing': 'changing',
  'limit.is': 'is {value}',
  'limit.badQuality': 'bad quality',
  'limit.noData': 'no data for {seconds} s',
  'limit.total': '> {total} in {window}',
  'limit.count': 'more than {count} times in {window}',
  'limit.curve': 'off its operating curve by more than {band}',
  'channel.sms': 'SMS',
  'channel.voice': 'voice call',
  'channel.email': 'e-mail',
  'channel.webhook': 'webhook',
  'channel.telegram': 'Telegram',
  'channel.whatsapp': 'WhatsApp',
  testSubject: '[Plantwatch] Test message',
  testBody:
    'Plantwatch test message for {name} by {channel}, sent {time} UTC. No action is needed; a reply tells us replies get through.',
} as const;

export type PageMessageKey = keyof typeof en;
type PageMessages = Record<PageMessageKey, string>;

const pt: PageMessages = {
  'severity.critical': 'CRÍTICO',
  'severity.high': 'ALTO',
  'severity.medium': 'MÉDIO',
  'severity.low': 'BAIXO',
  'severityShort.critical': 'CRÍT',
  'severityShort.high': 'ALTO',
  'severityShort.medium': 'MÉD',
  'severityShort.low': 'BAIXO',
  'severityWord.critical': 'crítico',
  'severityWord.high': 'alto',
  'severityWord.medium': 'médio',
  'severityWord.low': 'baixo',
  head: 'Alarme {severity}: {name}',
  headAtSite: 'Alarme {severity} em {site}: {name}',
  limit: 'limite {limit}',
  limitShort: 'lim {limit}',
  since: 'Desde {time}.',
  step: 'Nível {level}{round, plural, =0 {} other {, repetição #}}',
  ack: 'Responda {word} para reconhecer.',
  ackShort: 'Resp. {word} p/ reconhecer.',
  telegramAck: 'Responda OK (ou ✅) a esta mensagem para reconhecer.',
  valueLine: 'Valor: {value}',
  limitLine: 'Limite: {limit}',
  severityLine: 'Severidade: {severity}',
  sinceLine: 'Desde: {time} ({zone})',
  escalationLine: 'Escalonamento: nível {level}{round, plural, =0 {} other {, repetição #}}',
  digestHead: '{count, plural, one {# alarme} other {# alarmes}}',
  digestHeadAtSite: '{count, plural, one {# alarme} other {# alarmes}} em {site}',
  digestMore: 'e mais {count}',
  digestAck: 'Responda OK para reconhecer todos.',
  digestTelegramAck: 'Responda OK (ou ✅) a esta mensagem para reconhecer todos.',
  'limit.rising': 'subindo',
  'limit.falling': 'descendo',
  'limit.changing': 'variando',
  'limit.is': 'é {value}',
  'limit.badQuality': 'qualidade ruim',
  'limit.noData': 'sem dados há {seconds} s',
  'limit.total': '> {total} em {window}',
  'limit.count': 'mais de {count} vezes em {window}',
  'limit.curve': 'fora da curva de operação por mais de {band}',
  'channel.sms': 'SMS',
  'channel.voice': 'chamada de voz',
  'channel.email': 'e-mail',
  'channel.webhook': 'webhook',
  'channel.telegram': 'Telegram',
  'channel.whatsapp': 'WhatsApp',
  testSubject: '[Plantwatch] Mensagem de teste',
  testBody:
    'Mensagem de teste do Plantwatch para {name} por {channel}, enviada em {time} UTC. Nada a fazer; uma resposta nos mostra que as respostas chegam.',
};

const es: PageMessages = {
  'severity.critical': 'CRÍTICA',
  'severity.high': 'ALTA',
  'severity.medium': 'MEDIA',
  'severity.low': 'BAJA',
  'severityShort.critical': 'CRÍT',
  'severityShort.high': 'ALTA',
  'severityShort.medium': 'MEDIA',
  'severityShort.low': 'BAJA',
  'severityWord.critical': 'crítica',
  'severityWord.high': 'alta',
  'severityWord.medium': 'media',
  'severityWord.low': 'baja',
  head: 'Alarma {severity}: {name}',
  headAtSite: 'Alarma {severity} en {site}: {name}',
  limit: 'límite {limit}',
  limitShort: 'lím {limit}',
  since: 'Desde las {time}.',
  step: 'Nivel {level}{round, plural, =0 {} other {, repetición #}}',
  ack: 'Responda {word} para reconocer.',
  ackShort: 'Resp. {word} p/ reconocer.',
  telegramAck: 'Responda OK (o ✅) a este mensaje para reconocer.',
  valueLine: 'Valor: {value}',
  limitLine: 'Límite: {limit}',
  severityLine: 'Severidad: {severity}',
  sinceLine: 'Desde: {time} ({zone})',
  escalationLine: 'Escalamiento: nivel {level}{round, plural, =0 {} other {, repetición #}}',
  digestHead: '{count, plural, one {# alarma} other {# alarmas}}',
  digestHeadAtSite: '{count, plural, one {# alarma} other {# alarmas}} en {site}',
  digestMore: 'y {count} más',
  digestAck: 'Responda OK para reconocer todas.',
  digestTelegramAck: 'Responda OK (o ✅) a este mensaje para reconocerlas todas.',
  'limit.rising': 'subiendo',
  'limit.falling': 'bajando',
  'limit.changing': 'cambiando',
  'limit.is': 'es {value}',
  'limit.badQuality': 'calidad mala',
  'limit.noData': 'sin datos durante {seconds} s',
  'limit.total': '> {total} en {window}',
  'limit.count': 'más de {count} veces en {window}',
  'limit.curve': 'fuera de su curva de operación por más de {band}',
  'channel.sms': 'SMS',
  'channel.voice': 'llamada de voz',
  'channel.email': 'correo electrónico',
  'channel.webhook': 'webhook',
  'channel.telegram': 'Telegram',
  'channel.whatsapp': 'WhatsApp',
  testSubject: '[Plantwatch] Mensaje de prueba',
  testBody:
    'Mensaje de prueba de Plantwatch para {name} por {channel}, enviado el {time} UTC. No hace falta hacer nada; una respuesta nos indica que las respuestas llegan.',
};

const zh: PageMessages = {
  'severity.critical': '紧急',
  'severity.high': '高级',
  'severity.medium': '中级',
  'severity.low': '低级',
  'severityShort.critical': '紧急',
  'severityShort.high': '高',
  'severityShort.medium': '中',
  'severityShort.low': '低',
  'severityWord.critical': '紧急',
  'severityWord.high': '高',
  'severityWord.medium': '中',
  'severityWord.low': '低',
  head: '{severity}报警：{name}',
  headAtSite: '{site}{severity}报警：{name}',
  limit: '限值 {limit}',
  limitShort: '限 {limit}',
  since: '始于 {time}。',
  step: '第 {level} 级{round, plural, =0 {} other {，第 # 次重复}}',
  ack: '回复 {word} 确认。',
  ackShort: '回 {word} 确认。',
  telegramAck: '回复 OK（或 ✅）此消息以确认。',
  valueLine: '数值：{value}',
  limitLine: '限值：{limit}',
  severityLine: '级别：{severity}',
  sinceLine: '开始：{time}（{zone}）',
  escalationLine: '升级：第 {level} 级{round, plural, =0 {} other {，第 # 次重复}}',
  digestHead: '{count} 条报警',
  digestHeadAtSite: '{site} {count} 条报警',
  digestMore: '另有 {count} 条',
  digestAck: '回复 OK 全部确认。',
  digestTelegramAck: '回复 OK（或 ✅）此消息以全部确认。',
  'limit.rising': '上升',
  'limit.falling': '下降',
  'limit.changing': '变化',
  'limit.is': '为 {value}',
  'limit.badQuality': '质量差',
  'limit.noData': '{seconds} 秒无数据',
  'limit.total': '{window}内 > {total}',
  'limit.count': '{window}内超过 {count} 次',
  'limit.curve': '偏离运行曲线超过 {band}',
  'channel.sms': '短信',
  'channel.voice': '语音电话',
  'channel.email': '电子邮件',
  'channel.webhook': 'Webhook',
  'channel.telegram': 'Telegram',
  'channel.whatsapp': 'WhatsApp',
  testSubject: '[Plantwatch] 测试消息',
  testBody:
    'Plantwatch 通过{channel}发给 {name} 的测试消息，发送于 {time} UTC。无需任何操作；回复可让我们确认回复能够送达。',
};

export const pageMessages: Record<Language, PageMessages> = { 'en-GB': en, 'pt-BR': pt, es, 'zh-CN': zh };

const compiled = new Map<string, IntlMessageFormat>();

/** One message in one language, its arguments filled in (numbers as the language writes them). */
export function pageMessage(
  language: Language,
  key: PageMessageKey,
  values: Record<string, string | number> = {},
): string {
  const id = `${language}\u0000${key}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(pageMessages[language][key], language);
    compiled.set(id, format);
  }
  return String(format.format(values));
}

/** A translator bound to one language: `t('ack', { word: 'OK' })`. */
export function pageTranslator(language: Language = DEFAULT_LANGUAGE) {
  return (key: PageMessageKey, values?: Record<string, string | number>) =>
    pageMessage(language, key, values);
}

/**
 * Whether a text in this language can be spelt in GSM-7 for a one-segment SMS. Chinese cannot: it
 * goes out in UCS-2 (70 characters a segment) instead of being turned into question marks.
 */
export const spellsInGsm = (language: Language) => language !== 'zh-CN';
