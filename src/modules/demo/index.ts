export { type LoadDemoOptions, type LoadDemoResult, loadDemo } from './load-demo.ts';
export {
  DEMO_DEFAULTS,
  type DemoOptions,
  type DemoPortfolio,
  type DemoStats,
  generateDemoPortfolio,
} from './logic/generate-portfolio.ts';
