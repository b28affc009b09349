'use client';
// Forms whose fields depend on a choice: a device's protocol, a tag's device.
import { addressKindFor, type DeviceProtocol, modbusAreas, modbusTypes } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import type { FormState } from '../form-state.ts';
import { ActionForm, Field, SelectField } from './forms.tsx';

type Action = (previous: FormState, form: FormData) => Promise<FormState>;
type Choice = { value: string; label: string };

const options = (values: readonly string[]): Choice[] => values.map((value) => ({ value, label: value }));

export function DeviceForm({ action, gateways }: { action: Action; gateways: Choice[] }) {
  const [protocol, setProtocol] = useState<DeviceProtocol>('modbus-tcp');
  const c = useTranslations('config');
  const protocols: Choice[] = (['modbus-tcp', 'modbus-rtu', 'opcua'] as const).map((value) => ({
    value,
    label: c(`protocols.${value}`),
  }));
  return (
    <ActionForm
      action={action}
      label={c('newDevice')}
      submitLabel={c('addDevice')}
      pendingLabel={c('adding')}
    >
      <SelectField name="gatewayId" label={c('gateway')} options={gateways} required />
      <Field name="key" label={c('key')} hint={c('keyHint')} required />
      <Field name="name" label={c('name')} required />
      <SelectField
        name="connection.protocol"
        label={c('protocol')}
        options={protocols}
        defaultValue={protocol}
        onChange={(value) => setProtocol(value as DeviceProtocol)}
      />
      <fieldset>
        <legend>{c('connection')}</legend>
        {protocol === 'modbus-tcp' ? (
          <>
            <Field name="connection.host" label={c('host')} required />
            <Field name="connection.port" label={c('port')} type="number" defaultValue="502" />
            <Field name="connection.unitId" label={c('unitId')} type="number" defaultValue="1" />
            <Field name="connection.pollMs" label={c('pollMs')} type="number" defaultValue="1000" />
          </>
        ) : null}
        {protocol === 'modbus-rtu' ? (
          <>
            <Field name="connection.path" label={c('serialPath')} placeholder="/dev/ttyUSB0" required />
            <SelectField
              name="connection.baudRate"
              label={c('baudRate')}
              defaultValue="9600"
              options={options(['1200', '2400', '4800', '9600', '19200', '38400', '57600', '115200'])}
            />
            <SelectField
              name="connection.parity"
              label={c('parity')}
              options={options(['none', 'even', 'odd'])}
            />
            <Field name="connection.unitId" label={c('unitId')} type="number" defaultValue="1" />
            <Field name="connection.pollMs" label={c('pollMs')} type="number" defaultValue="1000" />
          </>
        ) : null}
        {protocol === 'opcua' ? (
          <>
            <Field
              name="connection.endpoint"
              label={c('endpoint')}
              placeholder="opc.tcp://10.0.0.6:4840"
              required
            />
            <SelectField
              name="connection.securityMode"
              label={c('securityMode')}
              options={options(['None', 'Sign', 'SignAndEncrypt'])}
            />
            <SelectField
              name="connection.securityPolicy"
              label={c('securityPolicy')}
              options={options(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'])}
            />
            <SelectField
              name="connection.mode"
              label={c('opcuaMode')}
              options={options(['subscribe', 'poll'])}
            />
          </>
        ) : null}
      </fieldset>
    </ActionForm>
  );
}

export function TagForm(props: {
  action: Action;
  devices: { value: string; label: string; protocol: DeviceProtocol }[];
  deviceId?: string;
}) {
  const first = props.devices.find((d) => d.value === props.deviceId) ?? props.devices[0];
  const [protocol, setProtocol] = useState<DeviceProtocol>(first?.protocol ?? 'modbus-tcp');
  const kind = addressKindFor(protocol);
  const c = useTranslations('config');
  return (
    <ActionForm
      action={props.action}
      label={c('newTag')}
      submitLabel={c('addTag')}
      pendingLabel={c('adding')}
    >
      <SelectField
        name="deviceId"
        label={c('device')}
        options={props.devices}
        defaultValue={first?.value}
        onChange={(id) => setProtocol(props.devices.find((d) => d.value === id)?.protocol ?? 'modbus-tcp')}
      />
      <Field name="key" label={c('key')} hint={c('keyHint')} required />
      <Field name="name" label={c('name')} required />
      <input type="hidden" name="address.kind" value={kind} />
      {kind === 'modbus' ? (
        <>
          <SelectField name="address.area" label={c('area')} options={options(modbusAreas)} />
          <Field name="address.address" label={c('address')} type="number" min={0} max={65535} required />
          <SelectField
            name="address.type"
            label={c('dataType')}
            options={options(modbusTypes)}
            defaultValue="uint16"
          />
        </>
      ) : (
        <Field name="address.nodeId" label={c('nodeId')} placeholder="ns=1;s=Temperature" required />
      )}
      <Field name="unit" label={c('unit')} />
      <Field name="scale" label={c('scale')} type="number" step="any" defaultValue="1" />
      <Field name="offset" label={c('offset')} type="number" step="any" defaultValue="0" />
      <Field name="deadband" label={c('deadband')} type="number" step="any" min={0} defaultValue="0" />
    </ActionForm>
  );
}
