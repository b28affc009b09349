import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { addressText } from '../../../../../browse-tags.ts';
import { ConfigTable } from '../../../../../components/config-list.tsx';
import { DeviceKeys } from '../../../../../components/device-keys.tsx';
import { BrowseDevice } from '../../../../../components/gateway-remote/browse-device.tsx';
import '../../../../../components/gateway-remote/gateway-remote.css';
import { ReadOnce } from '../../../../../components/gateway-remote/read-once.tsx';
import { describeConnection, describeTagAddress } from '../../../../../plant-text.ts';
import { listTags } from '../../../../../server/data.ts';
import { getDevice, getGateway } from '../../../../../server/gateway-remote-data.ts';
import { can } from '../../../../../server/viewer.ts';

export async function generateMetadata(props: { params: Promise<{ deviceId: string }> }): Promise<Metadata> {
  const t = await getTranslations('remote');
  const device = await getDevice((await props.params).deviceId);
  return { title: t('device.title', { name: device.name }) };
}

/** Devices whose gateway can browse them (ADR 0030: OPC UA address spaces, Sparkplug B births). */
const BROWSABLE = new Set(['opcua', 'sparkplug']);

export default async function DevicePage(props: { params: Promise<{ deviceId: string }> }) {
  const { deviceId } = await props.params;
  const t = await getTranslations('remote');
  const c = await getTranslations('config');
  const [device, tags, engineer] = await Promise.all([
    getDevice(deviceId),
    listTags(deviceId),
    can('engineer'),
  ]);
  const gateway = await getGateway(device.gatewayId);
  const protocol = device.connection.protocol;
  return (
    <>
      <h1>{t('device.title', { name: device.name })}</h1>
      <p>
        <code>{device.key}</code> · {c(`protocols.${protocol}`)} ·{' '}
        <code>{describeConnection(device.connection)}</code>
      </p>
      <p>
        {t('device.gateway')}: <Link href={`/config/gateways/${gateway.id}`}>{gateway.name}</Link>
        {' · '}
        <Link href="/config/devices">{t('device.allDevices')}</Link>
      </p>
      {engineer ? null : <p className="notice">{t('device.readOnly')}</p>}
      <section aria-labelledby="device-tags">
        <h2 id="device-tags">{t('device.tags')}</h2>
        <ConfigTable
          rows={tags}
          rowKey={(tag) => tag.id}
          empty={c('noTags')}
          columns={[
            { header: c('name'), cell: (tag) => tag.name },
            { header: c('key'), cell: (tag) => <code>{tag.key}</code> },
            { header: c('addressKind'), cell: (tag) => <code>{describeTagAddress(tag.address)}</code> },
            { header: c('unit'), cell: (tag) => tag.unit },
          ]}
        />
        <p>
          <Link href={`/config/tags?deviceId=${device.id}`}>{t('device.editTags')}</Link>
        </p>
      </section>
      {protocol === 'http-push' ? <DeviceKeys deviceId={device.id} engineer={engineer} /> : null}
      {engineer && protocol !== 'http-push' ? (
        <>
          <section aria-labelledby="read-once">
            <h2 id="read-once">{t('readOnce.heading')}</h2>
            <p className="hint">{t('readOnce.intro')}</p>
            <ReadOnce deviceId={device.id} />
          </section>
          <section aria-labelledby="browse">
            <h2 id="browse">{t('browse.heading')}</h2>
            {BROWSABLE.has(protocol) ? (
              <>
                <p className="hint">{t('browse.intro')}</p>
                <BrowseDevice
                  deviceId={device.id}
                  tagKeys={tags.map((tag) => tag.key)}
                  tagAddresses={tags.map((tag) => addressText(tag.address))}
                />
              </>
            ) : (
              <p className="notice">{t('browse.notBrowsable', { protocol: c(`protocols.${protocol}`) })}</p>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
