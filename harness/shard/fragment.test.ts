import { spawnSync } from 'node:child_process';
import { cliCommand } from '../package-paths';
import { parseShardId } from './fragment';

test.each([
  ['1/1', { index: 1, count: 1 }],
  ['2/3', { index: 2, count: 3 }],
  [' 3/3 ', { index: 3, count: 3 }],
])('%j is shard %j', (value, want) => {
  expect(parseShardId(value)).toEqual(want);
});

test.each(['0/3', '4/3', '1/0', '-1/3', '3', '1/3/5', 'a/b', '1.5/3', '', '99999999999999999999/99999999999999999999'])('%j is not a shard', (value) => {
  expect(() => parseShardId(value)).toThrow(`"${value}" is not a shard: give i/n with whole numbers 1 <= i <= n, e.g. 2/3`);
});

test('gate --shard with a bad value exits 2 naming the option and what a shard is, before any stage runs', () => {
  const [cmd, ...rest] = cliCommand(['gate', '--shard', '4/3']) as [string, ...string[]];
  const res = spawnSync(cmd, rest, { encoding: 'utf8', timeout: 60_000 });
  expect(res.status).toBe(2);
  expect(res.stderr).toContain(`error: option '--shard <i/n>' argument '4/3' is invalid. "4/3" is not a shard: give i/n with whole numbers 1 <= i <= n, e.g. 2/3`);
  expect(res.stderr).not.toContain('[gate]');
}, 60_000);
