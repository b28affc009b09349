import type { Device } from '@plantwatch/shared';
import type { Metadata } from 'next';
import { RemoveButton } from '../../../../components/forms.tsx';
import { DeviceForm } from '../../../../components/plant-forms.tsx';
import { createDevice, deleteDevice } from '../../../../server/actions.ts';
import { listDevices, listGateways, listSites } from '../../../../server/data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.config.devicesTitle };

const describeConnection = (device: Device) => {
  const c = device.connection;
  if (c.protocol === 'modbus-tcp') return `${c.host}:${c.port} · unit ${c.unitId}`;
  if (c.protocol === 'modbus-rtu') return `${c.path} · ${c.baudRate} baud · unit ${c.unitId}`;
  return c.endpoint;
};

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
  const c = strings.config;
  return (
    <>
      <h1>{c.devicesTitle}</h1>
      {engineer ? null : <p className="notice">{c.readOnly}</p>}
      {devices.length === 0 ? (
        <p className="empty">{c.noDevices}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{c.name}</th>
                <th scope="col">{c.key}</th>
                <th scope="col">{c.gateway}</th>
                <th scope="col">{c.protocol}</th>
                <th scope="col">{c.connection}</th>
                {engineer ? <th scope="col">{c.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {devices.map((device) => (
                <tr key={device.id}>
                  <th scope="row">{device.name}</th>
                  <td>
                    <code>{device.key}</code>
                  </td>
                  <td>{gatewayLabel.get(device.gatewayId)}</td>
                  <td>{c.protocols[device.connection.protocol]}</td>
                  <td>
                    <code>{describeConnection(device)}</code>
                  </td>
                  {engineer ? (
                    <td>
                      <RemoveButton
                        action={deleteDevice.bind(null, device.id)}
                        confirmText={c.confirmRemove(device.name)}
                        label={`${strings.remove} ${device.name}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {engineer && gateways.length === 0 ? <p>{c.needGatewayFirst}</p> : null}
      {engineer && gateways.length > 0 ? (
        <section aria-labelledby="new-device">
          <h2 id="new-device">{c.newDevice}</h2>
          <DeviceForm
            action={createDevice}
            gateways={gateways.map((g) => ({ value: g.id, label: gatewayLabel.get(g.id) ?? g.name }))}
          />
        </section>
      ) : null}
    </>
  );
}
