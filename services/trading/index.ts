import { resolve } from 'node:path';
import type { ServiceDefinition } from '../runtime';
import { getEngineConfig, replaceEngineConfig } from './handlers/config';
import { createMarketPrice, getMarketPrice, listMarketPrices, setMarketPrice } from './handlers/market-prices';
import { createNotification, getNotification, listNotifications } from './handlers/notifications';
import { getOrder, listRunOrders, listRunPositions, listRunTrades, placeOrder } from './handlers/orders';
import { createRun, deleteRun, getRun, listRuns, stopRun } from './handlers/runs';
import { listRunDecisions, runTick } from './handlers/ticks';
import { createTrader, getTrader, listTraders } from './handlers/traders';
import { RISK_BASE_URL } from './risk-check';

/** The trading engine (openapi/trading.yaml): runs, orders, fills, ticks, config, notifications. */
export const service: ServiceDefinition = {
  name: 'trading',
  specFile: resolve(__dirname, '..', '..', 'openapi', 'trading.yaml'),
  dependencies: { [RISK_BASE_URL]: 'risk' },
  handlers: {
    getEngineConfig,
    replaceEngineConfig,
    listTraders,
    createTrader,
    getTrader,
    listMarketPrices,
    createMarketPrice,
    getMarketPrice,
    setMarketPrice,
    listRuns,
    createRun,
    getRun,
    deleteRun,
    stopRun,
    listRunOrders,
    placeOrder,
    getOrder,
    listRunTrades,
    listRunPositions,
    runTick,
    listRunDecisions,
    listNotifications,
    createNotification,
    getNotification,
  },
};
