import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AddSection, ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { DeviceForm } from '../../../../components/plant-forms.tsx';
import { describeConnection } from '../../../../plant-text.ts';
import { createDevice, deleteDevice } from '../../../../server/actions.ts';
import { listDevices, listGateways, listSites } from '../../../../server/data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('config.devicesTitle') };
}

export default async function DevicesConfigPage() {
  const [sites, gateways, devices, engineer] = await Promise.all([
    listSites(),
    listGateways(),
    listDevices(),
    can('engineer'),
  ]);
  const siteName = new Map(sites.map((site) => [site.id, site.name]));
  const gatewayLabel = new Map(
    gateways.map((g) => [g.id, `${g.name} (${siteName.get(g.siteId) ?? ''})`] as const),
  );
  const c = await getTranslations('config');
  return (
    <ConfigPage title={c('devicesTitle')} engineer={engineer}>
      <ConfigTable
        rows={devices}
        rowKey={(device) => device.id}
        empty={c('noDevices')}
        columns={[
          {
            header: c('name'),
            cell: (device) => <Link href={`/config/devices/${device.id}`}>{device.name}</Link>,
          },
          { header: c('key'), cell: (device) => <code>{device.key}</code> },
          { header: c('gateway'), cell: (device) => gatewayLabel.get(device.gatewayId) },
          { header: c('protocol'), cell: (device) => c(`protocols.${device.connection.protocol}`) },
          { header: c('connection'), cell: (device) => <code>{describeConnection(device.connection)}</code> },
        ]}
        actions={
          engineer
            ? (device) => <RemoveRow name={device.name} action={deleteDevice.bind(null, device.id)} />
            : undefined
        }
      />
      <AddSection
        id="new-device"
        title={c('newDevice')}
        engineer={engineer}
        ready={gateways.length > 0}
        needFirst={c('needGatewayFirst')}
      >
        <DeviceForm
          action={createDevice}
          gateways={gateways.map((g) => ({ value: g.id, label: gatewayLabel.get(g.id) ?? g.name }))}
        />
      </AddSection>
    </ConfigPage>
  );
}
