import 'server-only';
import { webEnv } from '../env.ts';

/** The web server's settings as server code sees them (next-auth's two are set by serve.ts). */
export function serverConfig() {
  const env = webEnv();
  return { ...env, apiUrl: env.API_URL.replace(/\/+$/, '') };
}
