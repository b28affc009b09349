// The web function's start (run.sh runs the esbuild bundle of this, start.mjs): reads the secrets named
// in SECRETS_TO_ENV (NAME=<secret ARN>,…) from Secrets Manager into the environment, then starts the
// Next.js standalone server. So no secret value is in the function's configuration (ADR 0026).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export function parseSecretsToEnv(spec: string | undefined): { name: string; secretId: string }[] {
  if (!spec) return [];
  return spec.split(',').map((entry) => {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    const secretId = entry.slice(at + 1);
    if (at < 1 || !/^[A-Z_][A-Z0-9_]*$/.test(name) || !secretId) {
      throw new Error(`SECRETS_TO_ENV: "${entry}" must be NAME=<secret ARN>`);
    }
    return { name, secretId };
  });
}

export async function loadSecrets(
  env: NodeJS.ProcessEnv,
  client: Pick<SecretsManagerClient, 'send'>,
): Promise<string[]> {
  const wanted = parseSecretsToEnv(env.SECRETS_TO_ENV);
  for (const { name, secretId } of wanted) {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`SECRETS_TO_ENV: the secret for ${name} has no string value`);
    env[name] = SecretString;
  }
  return wanted.map((entry) => entry.name);
}

// Run as the bundle's entry (not when a test imports it).
if (process.env.PLANTWATCH_WEB_START === '1') {
  await loadSecrets(process.env, new SecretsManagerClient({ region: process.env.AWS_REGION }));
  await import(process.env.PLANTWATCH_WEB_SERVER ?? './web/server.js');
}
