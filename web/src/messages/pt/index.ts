// Every message of the web app in Brazilian Portuguese, by namespace (keys as in English).
import { accounts } from './accounts.ts';
import { alarmKpis } from './alarm-kpis.ts';
import { assets } from './assets.ts';
import { common } from './common.ts';
import { configure } from './configure.ts';
import { delivery } from './delivery.ts';
import { derivedTags } from './derived-tags.ts';
import { deviceKeys } from './device-keys.ts';
import { gatewaysRemote } from './gateways-remote.ts';
import { monitor } from './monitor.ts';
import { people } from './people.ts';
import { propagation } from './propagation.ts';
import { retention } from './retention.ts';
import { settings } from './settings.ts';

export const pt = {
  ...common,
  ...monitor,
  ...configure,
  ...people,
  ...settings,
  ...delivery,
  ...accounts,
  ...gatewaysRemote,
  ...deviceKeys,
  ...derivedTags,
  ...assets,
  ...propagation,
  ...retention,
  ...alarmKpis,
};
