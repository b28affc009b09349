// Español: el editor de tags derivados y la prueba de reglas sobre el historial (issue 17, ADR 0039).
import type { MessagesOf } from '../types.ts';

export const derivedTags: MessagesOf<'derivedTags' | 'backtest'> = {
  derivedTags: {
    title: 'Tags derivados',
    titleOf: 'Tags derivados de {site}',
    intro:
      'Tags calculados con una fórmula sobre los tags del sitio, como un balance de caudal. Se guardan, grafican y alarman como cualquier tag.',
    link: 'Tags derivados (KPI por fórmula)',
    none: 'Este sitio aún no tiene tags derivados.',
    add: 'Añadir un tag derivado',
    addButton: 'Añadir tag derivado',
    edit: 'Editar «{name}»',
    editTitle: 'Editar un tag derivado',
    key: 'Clave',
    keyHint: 'Otras fórmulas lo nombran como {reference}; no cambia una vez añadido.',
    keyFixed: '(no cambia una vez añadido)',
    formula: 'Fórmula',
    formulaHint:
      'Tags como {syntax}; números, + − × ÷ %, comparaciones, ?:, min, max, avg, abs. Ejemplo: {example}',
    insertReference: 'Insertar un tag',
    chooseReference: 'Elija un tag para insertar…',
    preview: 'Ahora',
    previewEmpty: 'Escriba una fórmula para ver su valor con los datos más recientes.',
    previewFailed: 'No se pudo calcular la vista previa; inténtelo de nuevo.',
    period: 'Periodo de cálculo (s)',
    periodHint:
      'Vacío: se calcula cuando cambia una entrada. 1–3600: también cada tantos segundos con los últimos valores de las entradas (60: en cada minuto exacto).',
    staleAfter: 'Incierta tras (s)',
    staleAfterHint:
      'Una entrada sin noticias durante más tiempo vuelve incierto el resultado; póngalo por encima del latido del gateway. Vacío: nunca.',
    onChange: 'al cambiar',
    everySeconds: 'cada {seconds} s',
    quality: { good: 'buena', uncertain: 'incierta', bad: 'mala' },
  },
  backtest: {
    heading: 'Probar esta regla con el historial',
    intro:
      'Lo que la regla, tal como está en el formulario, habría activado con los datos guardados del tag. No se guarda nada.',
    lastDays: 'Probar con los últimos {days} días',
    otherDays: 'Otro intervalo (días)',
    run: 'Probar',
    running: 'Probando…',
    summary: '{samples, plural, one {# muestra} other {# muestras}} del {from} al {to}',
    raises: 'Activaciones',
    clears: 'Normalizaciones',
    timeInAlarm: 'Tiempo en alarma',
    chattering: 'Episodios de chattering',
    activeAtEnd: 'aún activa al final',
    timeline: 'Cronología',
    raised: 'activada',
    cleared: 'normalizada',
    truncated: 'Solo se listan las primeras {count} transiciones.',
    noRaises: 'La regla no se habría activado en este intervalo.',
    failed: 'No se pudo ejecutar la prueba; inténtelo de nuevo.',
  },
};
