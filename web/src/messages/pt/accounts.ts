// Português (Brasil): as páginas de conta (link de cadastro, etapas do login, redefinição de senha,
// configurações da conta, política de segurança, planos e uso).
import type { MessagesOf } from '../types.ts';

export const accounts: MessagesOf<'accountAuth'> = {
  accountAuth: {
    email: 'E-mail',
    passwordRules:
      'Pelo menos 10 caracteres, não uma senha comum e difícil de adivinhar: algumas palavras sem relação funcionam bem.',
    tooManySoon: 'Tentativas demais. Aguarde um momento e tente de novo.',
    tooManySeconds: 'Tentativas demais. Tente de novo em {n, plural, one {# segundo} other {# segundos}}.',
    tooManyMinutes: 'Tentativas demais. Tente de novo em {n, plural, one {# minuto} other {# minutos}}.',
    checkInbox: 'Confira sua caixa de entrada',
    checkInboxText:
      'Enviamos um link para {email}. Abra-o em até 24 horas para confirmar o endereço; ele faz o seu login. Nada funciona antes disso.',
    resendHeading: 'Outro link',
    resendIntro:
      'Digite o endereço do seu cadastro; se o cadastro estiver pendente, um novo link será enviado.',
    resent:
      'Se {email} tiver um cadastro pendente, um novo link está a caminho; os anteriores deixam de funcionar.',
    resend: 'Enviar outro link',
    resending: 'Enviando…',
    verifyTitle: 'Confirmar seu e-mail',
    verifyHeading: 'Confirmando seu e-mail',
    verifying: 'Confirmando…',
    verifyNoToken: 'Esta página precisa do link do e-mail, com tudo o que vem depois do sinal #.',
    verifyBadLink:
      'Este link é desconhecido, já foi usado ou expirou. Peça outro abaixo; só o link mais recente funciona.',
    verifyFailed: 'Não foi possível verificar o link. Recarregue a página para tentar de novo.',
    backToLogIn: 'Voltar ao login',
    forgotLink: 'Esqueceu a senha?',
    forgotTitle: 'Esqueci a senha',
    forgotHeading: 'Redefinir sua senha',
    forgotIntro:
      'Digite o endereço da sua conta: enviaremos um link para escolher uma nova senha. Ele funciona uma vez, por 15 minutos.',
    sendResetLink: 'Enviar um link',
    sending: 'Enviando…',
    resetSentText: 'Se {email} tiver uma conta, um link para escolher uma nova senha está a caminho.',
    sendAgain: 'Enviar outro link',
    resetTitle: 'Escolher uma nova senha',
    resetHeading: 'Escolher uma nova senha',
    resetIntro: 'Escolher uma nova senha encerra todas as suas sessões; depois você entra com ela.',
    resetNoToken: 'Esta página precisa do link do e-mail, com tudo o que vem depois do sinal #.',
    askAgain: 'Pedir um novo link',
    newPassword: 'Nova senha',
    setPassword: 'Salvar a nova senha',
    saving: 'Salvando…',
    resetDoneHeading: 'Senha alterada',
    resetDone: 'Sua senha foi alterada e todas as sessões da conta foram encerradas. Entre com ela agora.',
    logInNow: 'Entrar',
    secondStepHeading: 'Login em duas etapas',
    secondStepIntro: 'Digite o código de 6 dígitos que seu aplicativo autenticador mostra para o Plantwatch.',
    recoveryStepIntro:
      'Digite um dos códigos de recuperação que você guardou ao ativar o login em duas etapas. Cada um funciona uma vez.',
    code: 'Código',
    codeHint: 'Seis dígitos; um novo a cada 30 segundos.',
    recoveryCode: 'Código de recuperação',
    recoveryCodeHint: 'Por exemplo 7kq2m-x9wpd',
    verify: 'Verificar',
    checking: 'Verificando…',
    useRecoveryCode: 'Usar um código de recuperação',
    useApp: 'Usar o aplicativo autenticador',
    startAgain: 'Entrar de novo',
    enrolHeading: 'Ativar o login em duas etapas',
    enrolIntro:
      'Sua organização exige login em duas etapas para o seu papel. Leia o código com um aplicativo autenticador (como Google Authenticator, Microsoft Authenticator ou 1Password) e digite o código que ele mostrar.',
    turnOnAndLogIn: 'Ativar e entrar',
    qrLabel: 'Código QR para o seu aplicativo autenticador',
    qrHint: 'Leia com o seu aplicativo autenticador.',
    secretLabel: 'Não consegue ler? Digite esta chave no aplicativo:',
    recoveryHeading: 'Seus códigos de recuperação',
    recoveryIntro:
      'Se perder o celular, cada um destes códigos permite entrar uma vez. Eles só aparecem agora: guarde-os em lugar seguro (um gerenciador de senhas, uma folha impressa).',
    copyCodes: 'Copiar os códigos',
    copied: 'Copiados',
    downloadCodes: 'Baixar como arquivo de texto',
    savedContinue: 'Já guardei: continuar',
  },
};
