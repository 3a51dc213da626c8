import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { defineConfig } from './area-config';
import { ConfigError, toInt } from './env';

class SampleEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) SAMPLE_DAYS?: number;
}
const sample = defineConfig('sample-area', SampleEnv, (v) => ({ days: v.SAMPLE_DAYS ?? 30 }));

describe('defineConfig', () => {
  it('builds the typed object, with defaults for unset or empty values', () => {
    expect(sample.load({})).toEqual({ days: 30 });
    expect(sample.load({ SAMPLE_DAYS: '' })).toEqual({ days: 30 });
    expect(sample.load({ SAMPLE_DAYS: '7' })).toEqual({ days: 7 });
  });

  it('names the area and the variable, never the value, when it is wrong', () => {
    expect(() => sample.load({ SAMPLE_DAYS: '0' })).toThrow(ConfigError);
    expect(() => sample.load({ SAMPLE_DAYS: 'x' })).toThrow(/\(sample-area\):\n {2}SAMPLE_DAYS: /);
  });

  it('refuses a second area of the same name', () => {
    expect(() => defineConfig('sample-area', SampleEnv, () => ({}))).toThrow(/declared twice/);
  });
});
