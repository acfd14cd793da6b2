import { CASES_PER_TEST_FILE, planEntries } from '../plan/plan-entries';
import type { TestFilePlan } from '../plan/plan-service';

const caseModule = (group: string, cases: number): TestFilePlan => ({ group, fileName: `${group}.cases.ts`, tests: Array.from({ length: cases }, () => ({}) as TestFilePlan['tests'][number]), chains: [], lists: [] });

test('a service whose cases fit one file gets one entry named after it, importing every module in order', () => {
  expect(planEntries('trading', [caseModule('orders', 10), caseModule('runs', 20)])).toEqual([{ fileName: 'trading.test.ts', modules: ['./orders.cases', './runs.cases'] }]);
});

test.each([
  [[300, 50, 60, 500, 10], [['a', 'b'], ['c'], ['d'], ['e']]],
  [[CASES_PER_TEST_FILE, 1], [['a'], ['b']]],
  [[200, 200, 1], [['a', 'b'], ['c']]],
])('modules of %j cases are cut into entries %j, none over the budget unless one module is', (sizes, expected) => {
  const names = 'abcde'.split('');
  const entries = planEntries('svc', sizes.map((n, i) => caseModule(names[i]!, n)));
  expect(entries.map((e) => e.modules.map((m) => m.slice(2, 3)))).toEqual(expected);
  expect(entries.map((e) => e.fileName)).toEqual(expected.map((_, i) => `svc.${i + 1}.test.ts`));
});
