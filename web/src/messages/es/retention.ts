// Español: la página de conservación de datos (issue 16): cuánto tiempo se guarda cada tipo de dato,
// dentro del máximo del plan, y lo que borraron las ejecuciones nocturnas.
import type { MessagesOf } from '../types.ts';

export const retention: MessagesOf<'retention'> = {
  retention: {
    title: 'Conservación de datos',
    heading: 'Conservación de datos',
    intro:
      'Cuánto tiempo guarda Plantwatch cada tipo de dato de su organización. Cada noche después de las 02:00 ({timeZone}) se borra lo que es más antiguo, y lo borrado aparece abajo.',
    planMax: 'Su plan guarda cada tipo de dato como máximo {max, number} días.',
    defaults: 'Nadie los ha cambiado todavía: son los valores predeterminados, dentro del máximo de su plan.',
    custom: 'Fijados por un administrador de su organización.',
    lastRun: 'Última ejecución nocturna: {date}.',
    neverRun: 'Todavía no ha habido ninguna ejecución nocturna.',
    needAdmin:
      'Solo un administrador o el propietario puede cambiar cuánto tiempo se guardan los datos; pídaselo a uno de ellos.',
    warning:
      'Reducir un número borra los datos más antiguos en la próxima ejecución nocturna. Los datos borrados no se pueden recuperar.',
    settingsHeading: 'Cuánto tiempo se guarda cada tipo',
    formLabel: 'Ajustes de conservación',
    save: 'Guardar conservación',
    saving: 'Guardando…',
    saved: 'Conservación guardada. La próxima ejecución nocturna la aplica.',
    fieldHint: '{what} Como máximo {max, number} días en su plan.',
    kinds: {
      rawPoints: 'Puntos en bruto, días',
      rollupsMinute: 'Agregados por minuto, días',
      rollupsHour: 'Agregados por hora, días',
      alarmJournal: 'Diario de alarmas, días',
      messageLog: 'Registro de mensajes, días',
      reportFiles: 'Archivos de informes, días',
      deadLetters: 'Mensajes descartados, días',
    },
    names: {
      rawPoints: 'Puntos en bruto',
      rollupsMinute: 'Agregados por minuto',
      rollupsHour: 'Agregados por hora',
      alarmJournal: 'Diario de alarmas',
      messageLog: 'Registro de mensajes',
      reportFiles: 'Archivos de informes',
      deadLetters: 'Mensajes descartados',
    },
    what: {
      rawPoints:
        'Cada valor que enviaron las pasarelas. El valor más reciente de cada etiqueta se conserva siempre.',
      rollupsMinute: 'Mínimo, máximo y media de cada etiqueta por minuto.',
      rollupsHour: 'Lo mismo por hora: las tendencias largas y los informes leen estos.',
      alarmJournal: 'Cada activación, reconocimiento, archivado temporal y normalización de una alarma.',
      messageLog: 'Avisos, resúmenes, mensajes de prueba y canarios enviados.',
      reportFiles: 'Ejecuciones de informes y sus archivos (una ejecución en cola o en curso se conserva).',
      deadLetters: 'Mensajes de las pasarelas que no se pudieron guardar, con el motivo.',
    },
    columns: {
      kind: 'Tipo de dato',
      days: 'Se guarda, días',
      max: 'Máximo del plan, días',
      ranAt: 'Ejecución nocturna',
      olderThan: 'Borró lo anterior a',
      deleted: 'Borrados',
    },
    settingsTable: 'Cuánto tiempo se guarda cada tipo de dato',
    runsHeading: 'Últimas ejecuciones nocturnas',
    runsIntro:
      'Lo que borró cada ejecución, tipo por tipo: puntos, eventos, mensajes, ejecuciones o mensajes descartados.',
    runsTable: 'Lo que borraron las últimas ejecuciones nocturnas',
    noRuns: 'Todavía no se ha registrado ninguna ejecución nocturna.',
    errors: {
      required: 'Indique un número de días.',
      whole: 'Indique un número entero de días.',
      min: 'Debe ser al menos 1 día.',
      max: 'Más de lo que permite su plan: como máximo {max, number} días.',
    },
  },
};
