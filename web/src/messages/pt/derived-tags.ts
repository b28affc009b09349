// Português: o editor de tags derivadas e o teste de regras no histórico (issue 17, ADR 0039).
import type { MessagesOf } from '../types.ts';

export const derivedTags: MessagesOf<'derivedTags' | 'backtest'> = {
  derivedTags: {
    title: 'Tags derivadas',
    titleOf: 'Tags derivadas de {site}',
    intro:
      'Tags calculadas por uma fórmula sobre as tags do site, como um balanço de vazão. São armazenadas, exibidas em gráficos e alarmadas como qualquer tag.',
    link: 'Tags derivadas (KPIs por fórmula)',
    none: 'Este site ainda não tem tags derivadas.',
    add: 'Adicionar uma tag derivada',
    addButton: 'Adicionar tag derivada',
    edit: 'Editar “{name}”',
    editTitle: 'Editar uma tag derivada',
    key: 'Chave',
    keyHint: 'Outras fórmulas a nomeiam como {reference}; não muda depois de adicionada.',
    keyFixed: '(não muda depois de adicionada)',
    formula: 'Fórmula',
    formulaHint:
      'Tags como {syntax}; números, + − × ÷ %, comparações, ?:, min, max, avg, abs. Exemplo: {example}',
    insertReference: 'Inserir uma tag',
    chooseReference: 'Escolha uma tag para inserir…',
    preview: 'Agora',
    previewEmpty: 'Digite uma fórmula para ver seu valor com os dados mais recentes.',
    previewFailed: 'Não foi possível calcular a prévia; tente novamente.',
    period: 'Período de cálculo (s)',
    periodHint:
      'Vazio: calculado quando uma entrada muda. 1–3600: também a cada tantos segundos com os últimos valores das entradas (60: a cada minuto exato).',
    staleAfter: 'Incerta após (s)',
    staleAfterHint:
      'Uma entrada sem notícias por mais tempo torna o resultado incerto; defina acima do heartbeat do gateway. Vazio: nunca.',
    onChange: 'ao mudar',
    everySeconds: 'a cada {seconds} s',
    quality: { good: 'boa', uncertain: 'incerta', bad: 'ruim' },
  },
  backtest: {
    heading: 'Testar esta regra no histórico',
    intro:
      'O que a regra, como está no formulário, teria disparado com os dados armazenados da tag. Nada é salvo.',
    lastDays: 'Testar nos últimos {days} dias',
    otherDays: 'Outro intervalo (dias)',
    run: 'Testar',
    running: 'Testando…',
    summary: '{samples, plural, one {# amostra} other {# amostras}} de {from} a {to}',
    raises: 'Disparos',
    clears: 'Normalizações',
    timeInAlarm: 'Tempo em alarme',
    chattering: 'Episódios de chattering',
    activeAtEnd: 'ainda ativo no fim',
    timeline: 'Linha do tempo',
    raised: 'disparado',
    cleared: 'normalizado',
    truncated: 'Somente as primeiras {count} transições são listadas.',
    noRaises: 'A regra não teria disparado neste intervalo.',
    failed: 'Não foi possível executar o teste; tente novamente.',
  },
};
