// Português do Brasil: a página de retenção de dados (issue 16): por quanto tempo cada tipo de dado é
// guardado, dentro do máximo do plano, e o que as execuções noturnas apagaram.
import type { MessagesOf } from '../types.ts';

export const retention: MessagesOf<'retention'> = {
  retention: {
    title: 'Retenção de dados',
    heading: 'Retenção de dados',
    intro:
      'Por quanto tempo o Plantwatch guarda cada tipo de dado da sua organização. Toda noite depois das 02:00 ({timeZone}), o que for mais antigo é apagado, e o que foi apagado aparece abaixo.',
    planMax: 'Seu plano guarda cada tipo de dado por no máximo {max, number} dias.',
    defaults: 'Ninguém alterou ainda: são os valores padrão, dentro do máximo do seu plano.',
    custom: 'Definidos por um administrador da sua organização.',
    lastRun: 'Última execução noturna: {date}.',
    neverRun: 'Ainda não houve nenhuma execução noturna.',
    needAdmin:
      'Só um administrador ou o proprietário pode alterar por quanto tempo os dados são guardados; peça a um deles.',
    warning:
      'Diminuir um número apaga os dados mais antigos na próxima execução noturna. Dados apagados não podem ser recuperados.',
    settingsHeading: 'Por quanto tempo cada tipo é guardado',
    formLabel: 'Configurações de retenção',
    save: 'Salvar retenção',
    saving: 'Salvando…',
    saved: 'Retenção salva. A próxima execução noturna a aplica.',
    fieldHint: '{what} No máximo {max, number} dias no seu plano.',
    kinds: {
      rawPoints: 'Pontos brutos, dias',
      rollupsMinute: 'Agregados por minuto, dias',
      rollupsHour: 'Agregados por hora, dias',
      alarmJournal: 'Diário de alarmes, dias',
      messageLog: 'Registro de mensagens, dias',
      reportFiles: 'Arquivos de relatórios, dias',
      deadLetters: 'Mensagens descartadas, dias',
    },
    names: {
      rawPoints: 'Pontos brutos',
      rollupsMinute: 'Agregados por minuto',
      rollupsHour: 'Agregados por hora',
      alarmJournal: 'Diário de alarmes',
      messageLog: 'Registro de mensagens',
      reportFiles: 'Arquivos de relatórios',
      deadLetters: 'Mensagens descartadas',
    },
    what: {
      rawPoints: 'Cada valor que os gateways enviaram. O valor mais recente de cada tag sempre fica.',
      rollupsMinute: 'Mínimo, máximo e média de cada tag por minuto.',
      rollupsHour: 'O mesmo por hora: tendências longas e relatórios leem estes.',
      alarmJournal: 'Cada disparo, reconhecimento, suspensão e normalização de um alarme.',
      messageLog: 'Chamadas, resumos, mensagens de teste e canários enviados.',
      reportFiles: 'Execuções de relatórios e seus arquivos (uma execução na fila ou em andamento fica).',
      deadLetters: 'Mensagens dos gateways que não puderam ser guardadas, com o motivo.',
    },
    columns: {
      kind: 'Tipo de dado',
      days: 'Guardado, dias',
      max: 'Máximo do plano, dias',
      ranAt: 'Execução noturna',
      olderThan: 'Apagou o que era anterior a',
      deleted: 'Apagados',
    },
    settingsTable: 'Por quanto tempo cada tipo de dado é guardado',
    runsHeading: 'Últimas execuções noturnas',
    runsIntro:
      'O que cada execução apagou, tipo por tipo: pontos, eventos, mensagens, execuções ou mensagens descartadas.',
    runsTable: 'O que as últimas execuções noturnas apagaram',
    noRuns: 'Nenhuma execução noturna foi registrada ainda.',
    errors: {
      required: 'Informe um número de dias.',
      whole: 'Informe um número inteiro de dias.',
      min: 'Deve ser pelo menos 1 dia.',
      max: 'Mais do que seu plano permite: no máximo {max, number} dias.',
    },
  },
};
