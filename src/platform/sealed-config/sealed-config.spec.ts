import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from '../crypto/secret-box';
import { completeConfig, configSchema, maskConfig, validateConfig, type ConfigFields } from './config-fields';
import { SealedConfig } from './sealed-config';

const FIELDS: ConfigFields = {
  apiKey: { type: 'string', required: true, secret: true, description: 'API key' },
  port: { type: 'port', description: 'Port' },
  baseUrl: { type: 'url', description: 'Base URL' },
  token: { type: 'string', secret: true, generate: () => 'generated-token', description: 'Token' },
};

describe('SealedConfig', () => {
  const box = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);
  const configs = new SealedConfig<{ apiKey: string; port?: number }>(box, (id) => `crm-connection:${id}`);

  it('seals a config bound to its row and opens it again', () => {
    const sealed = configs.seal('row-1', { apiKey: 'secret-key', port: 25 });
    expect(sealed).not.toContain('secret-key');
    expect(configs.open({ id: 'row-1', configSealed: sealed })).toEqual({ apiKey: 'secret-key', port: 25 });
  });

  it('does not open a sealed config copied onto another row, or under another table prefix', () => {
    const sealed = configs.seal('row-1', { apiKey: 'secret-key' });
    expect(() => configs.open({ id: 'row-2', configSealed: sealed })).toThrow(SecretBoxError);
    const other = new SealedConfig(box, (id) => `provider:${id}:config`);
    expect(() => other.open({ id: 'row-1', configSealed: sealed })).toThrow(SecretBoxError);
  });

  it('merges changes into the stored config', () => {
    const row = { id: 'row-1', configSealed: configs.seal('row-1', { apiKey: 'a', port: 25 }) };
    const merged = configs.merge(row, { apiKey: 'b' });
    expect(configs.open({ id: 'row-1', configSealed: merged })).toEqual({ apiKey: 'b', port: 25 });
  });
});

describe('config fields', () => {
  it('refuses unknown keys (own keys only), wrong types and missing required keys', () => {
    expect(
      validateConfig(FIELDS, { apiKey: 'k', port: 70000, nope: 1, constructor: 'x' }, 'crm connections'),
    ).toEqual([
      { field: 'config.port', message: 'config.port must be a port number (1-65535)' },
      { field: 'config.nope', message: 'crm connections take apiKey, port, baseUrl, token' },
      { field: 'config.constructor', message: 'crm connections take apiKey, port, baseUrl, token' },
    ]);
    expect(validateConfig(FIELDS, { baseUrl: 'ftp://x' }, 'crm connections')).toEqual([
      { field: 'config.baseUrl', message: 'config.baseUrl must be an http(s) URL' },
      { field: 'config.apiKey', message: 'config.apiKey is required for crm connections' },
    ]);
    expect(validateConfig(FIELDS, { port: 25 }, 'crm connections', true)).toEqual([]);
    expect(validateConfig(FIELDS, [], 'crm connections')).toEqual([
      { field: 'config', message: 'config must be an object' },
    ]);
  });

  it('masks the secret keys only', () => {
    expect(maskConfig(FIELDS, { apiKey: 'abcdefgh1234', port: 25 })).toEqual({
      apiKey: SecretBox.mask('abcdefgh1234'),
      port: 25,
    });
  });

  it('fills a generated key left out, and keeps one given', () => {
    expect(completeConfig(FIELDS, { apiKey: 'k' })).toEqual({
      config: { apiKey: 'k', token: 'generated-token' },
      generated: 'generated-token',
    });
    expect(completeConfig(FIELDS, { apiKey: 'k', token: 'mine' })).toEqual({
      config: { apiKey: 'k', token: 'mine' },
    });
  });

  it('documents the fields as a closed object', () => {
    expect(configSchema(FIELDS, 'The settings')).toMatchObject({
      description: 'The settings',
      type: 'object',
      required: ['apiKey'],
      additionalProperties: false,
      properties: { port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Port' } },
    });
  });
});
