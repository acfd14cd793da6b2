/**
 * Every seeded id as a named constant (seed 000): tests assert exact equality against them.
 * Form: `00000000-0000-4000-<table prefix>-<12-digit number>`.
 */
export * from './ids/registry';
export * from './ids/risk';
export * from './ids/trading';
export * from './ids/query';
