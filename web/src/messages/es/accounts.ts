// Español: las páginas de cuenta (enlace de registro, pasos del inicio de sesión, restablecer la
// contraseña, ajustes de la cuenta, política de seguridad, planes y uso).
import type { MessagesOf } from '../types.ts';

export const accounts: MessagesOf<'accountAuth'> = {
  accountAuth: {
    email: 'Correo electrónico',
    passwordRules:
      'Al menos 10 caracteres, no una contraseña común y difícil de adivinar: unas pocas palabras sin relación funcionan bien.',
    tooManySoon: 'Demasiados intentos. Espere un momento y vuelva a intentarlo.',
    tooManySeconds:
      'Demasiados intentos. Vuelva a intentarlo en {n, plural, one {# segundo} other {# segundos}}.',
    tooManyMinutes:
      'Demasiados intentos. Vuelva a intentarlo en {n, plural, one {# minuto} other {# minutos}}.',
    checkInbox: 'Revise su bandeja de entrada',
    checkInboxText:
      'Enviamos un enlace a {email}. Ábralo en las próximas 24 horas para confirmar la dirección; con él inicia sesión. Nada funciona antes.',
    resendHeading: 'Otro enlace',
    resendIntro:
      'Escriba la dirección con la que se registró; si su registro está pendiente, le llegará un enlace nuevo.',
    resent:
      'Si {email} tiene un registro pendiente, va en camino un enlace nuevo; los anteriores dejan de funcionar.',
    resend: 'Enviar otro enlace',
    resending: 'Enviando…',
    verifyTitle: 'Confirmar su correo electrónico',
    verifyHeading: 'Confirmando su correo electrónico',
    verifying: 'Confirmando…',
    verifyNoToken: 'Esta página necesita el enlace del correo, con todo lo que sigue al signo #.',
    verifyBadLink:
      'Este enlace es desconocido, ya se usó o caducó. Pida otro abajo; solo funciona el enlace más reciente.',
    verifyFailed: 'No se pudo comprobar el enlace. Recargue la página para intentarlo de nuevo.',
    backToLogIn: 'Volver a iniciar sesión',
    forgotLink: '¿Olvidó su contraseña?',
    forgotTitle: 'Contraseña olvidada',
    forgotHeading: 'Restablecer su contraseña',
    forgotIntro:
      'Escriba la dirección de su cuenta: le enviaremos un enlace para elegir una contraseña nueva. Funciona una vez, durante 15 minutos.',
    sendResetLink: 'Enviarme un enlace',
    sending: 'Enviando…',
    resetSentText: 'Si {email} tiene una cuenta, va en camino un enlace para elegir una contraseña nueva.',
    sendAgain: 'Enviar otro enlace',
    resetTitle: 'Elegir una contraseña nueva',
    resetHeading: 'Elegir una contraseña nueva',
    resetIntro: 'Al elegir una contraseña nueva se cierran todas sus sesiones; luego inicia sesión con ella.',
    resetNoToken: 'Esta página necesita el enlace del correo, con todo lo que sigue al signo #.',
    askAgain: 'Pedir un enlace nuevo',
    newPassword: 'Contraseña nueva',
    setPassword: 'Guardar la contraseña nueva',
    saving: 'Guardando…',
    resetDoneHeading: 'Contraseña cambiada',
    resetDone:
      'Su contraseña se cambió y se cerraron todas las sesiones de su cuenta. Inicie sesión con ella ahora.',
    logInNow: 'Iniciar sesión',
    secondStepHeading: 'Inicio de sesión en dos pasos',
    secondStepIntro:
      'Escriba el código de 6 dígitos que muestra su aplicación de autenticación para Plantwatch.',
    recoveryStepIntro:
      'Escriba uno de los códigos de recuperación que guardó al activar el inicio en dos pasos. Cada uno funciona una vez.',
    code: 'Código',
    codeHint: 'Seis dígitos; uno nuevo cada 30 segundos.',
    recoveryCode: 'Código de recuperación',
    recoveryCodeHint: 'Por ejemplo 7kq2m-x9wpd',
    verify: 'Verificar',
    checking: 'Comprobando…',
    useRecoveryCode: 'Usar un código de recuperación',
    useApp: 'Usar la aplicación de autenticación',
    startAgain: 'Iniciar sesión de nuevo',
    enrolHeading: 'Activar el inicio de sesión en dos pasos',
    enrolIntro:
      'Su organización exige el inicio de sesión en dos pasos para su rol. Escanee el código con una aplicación de autenticación (como Google Authenticator, Microsoft Authenticator o 1Password) y escriba el código que muestra.',
    turnOnAndLogIn: 'Activar e iniciar sesión',
    qrLabel: 'Código QR para su aplicación de autenticación',
    qrHint: 'Escanéelo con su aplicación de autenticación.',
    secretLabel: '¿No puede escanear? Escriba esta clave en la aplicación:',
    recoveryHeading: 'Sus códigos de recuperación',
    recoveryIntro:
      'Si pierde el teléfono, cada uno de estos códigos le permite iniciar sesión una vez. Solo se muestran ahora: guárdelos en un lugar seguro (un gestor de contraseñas, una hoja impresa).',
    copyCodes: 'Copiar los códigos',
    copied: 'Copiados',
    downloadCodes: 'Descargar como archivo de texto',
    savedContinue: 'Ya los guardé: continuar',
  },
};
