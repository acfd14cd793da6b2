import type { TestFilePlan } from './plan-service';

/**
 * The test files Jest runs: each imports a run of consecutive case modules (`<tag>.cases.ts`),
 * so that their cases share one module registry, one Ajv and one connection pool instead of
 * paying for them per tag. Measured on the reference platform (bench/README.md, "Where the time
 * goes"): the 29 per-tag files took 8.1 s on two workers, the same cases from one registry 3.6 s
 * on one. Bounded in size so that a large spec still spreads over Jest's workers and shards.
 */
export const CASES_PER_TEST_FILE = 400;

export interface TestEntryPlan {
  /** `trading.test.ts`, or `trading.2.test.ts` when the service needs more than one. */
  fileName: string;
  /** Module specifiers of the case files, in order: `./orders.cases`. */
  modules: string[];
}

/** Case modules in file-name order, cut into entries of at most CASES_PER_TEST_FILE cases (a larger module gets one of its own). */
export function planEntries(service: string, caseFiles: readonly TestFilePlan[]): TestEntryPlan[] {
  const runs: TestFilePlan[][] = [];
  let size = 0;
  for (const file of caseFiles) {
    const cases = file.tests.length + file.chains.length + file.lists.length;
    const last = runs.at(-1);
    if (last && size + cases <= CASES_PER_TEST_FILE) {
      last.push(file);
      size += cases;
    } else {
      runs.push([file]);
      size = cases;
    }
  }
  return runs.map((run, i) => ({
    fileName: runs.length === 1 ? `${service}.test.ts` : `${service}.${i + 1}.test.ts`,
    modules: run.map((file) => `./${file.fileName.replace(/\.ts$/, '')}`),
  }));
}
