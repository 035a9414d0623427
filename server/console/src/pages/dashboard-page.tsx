import { pipelineSummarySchema, type PipelineSummary } from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { scaleBars } from '../pipeline-order';
import { FormStatus, Page, formatMoney, useAsync } from '../ui';
import { useTeamChoice } from './pipeline-page';

export function DashboardPage(props: { teamId?: string }) {
  const t = useTranslate();
  const { team, picker, error } = useTeamChoice(props.teamId, 'dashboard');
  return (
    <Page title={t('dashboard.title')} actions={picker}>
      <FormStatus errors={error} />
      {team ? <TeamDashboard key={team.id} teamId={team.id} /> : null}
    </Page>
  );
}

function TeamDashboard(props: { teamId: string }) {
  const { api, language } = useConsole();
  const t = useTranslate();
  const summary = useAsync(
    () =>
      api.client.request({
        method: 'GET',
        path: `/teams/${props.teamId}/pipeline-summary`,
        response: pipelineSummarySchema,
      }),
    [api, props.teamId],
  );
  if (summary.error) return <FormStatus errors={summary.error} />;
  if (!summary.data) return <p>{t('common.loading')}</p>;
  const data = summary.data;
  return (
    <>
      <div class="tiles">
        <div class="card tile">
          <h2>{t('dashboard.target')}</h2>
          <p class="figure">{formatMoney(data.invoicedTarget, language)}</p>
        </div>
        <div class="card tile">
          <h2>{t('dashboard.wonThisMonth')}</h2>
          <p class="figure">{formatMoney(data.wonThisMonth.expectedRevenue, language)}</p>
          {data.targetRatio !== null ? (
            <p class="muted">{Math.round(data.targetRatio * 100)}%</p>
          ) : null}
        </div>
        <div class="card tile">
          <h2>{t('dashboard.open')}</h2>
          <p class="figure">{data.open.count}</p>
          <p class="muted">{formatMoney(data.open.expectedRevenue, language)}</p>
        </div>
      </div>
      <RevenueChart summary={data} />
    </>
  );
}

/** Grouped bars per stage (expected vs prorated) with the monthly target as a line: plain SVG. */
function RevenueChart(props: { summary: PipelineSummary }) {
  const { language } = useConsole();
  const t = useTranslate();
  const stages = props.summary.stages;
  const height = 220;
  const barWidth = 28;
  const groupWidth = barWidth * 2 + 32;
  const values = stages.flatMap((stage) => [stage.expectedRevenue, stage.proratedRevenue]);
  const scaled = scaleBars([...values, props.summary.invoicedTarget], height);
  const targetY = height - (scaled[scaled.length - 1] ?? 0);
  const width = Math.max(groupWidth * stages.length + 40, 300);
  return (
    <figure class="card chart">
      <figcaption>{t('dashboard.chart')}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 60}`}
        role="img"
        aria-label={t('dashboard.chart')}
        width={width}
        height={height + 60}
      >
        {stages.map((stage, index) => {
          const expected = scaled[index * 2] ?? 0;
          const prorated = scaled[index * 2 + 1] ?? 0;
          const x = 20 + index * groupWidth;
          return (
            <g key={stage.stageId}>
              <rect
                class="bar-expected"
                x={x}
                y={height - expected}
                width={barWidth}
                height={expected}
              >
                <title>{`${stage.name} · ${t('pipeline.expected')}: ${formatMoney(stage.expectedRevenue, language)}`}</title>
              </rect>
              <rect
                class="bar-prorated"
                x={x + barWidth + 4}
                y={height - prorated}
                width={barWidth}
                height={prorated}
              >
                <title>{`${stage.name} · ${t('pipeline.prorated')}: ${formatMoney(stage.proratedRevenue, language)}`}</title>
              </rect>
              <text x={x + barWidth} y={height + 18} text-anchor="middle" class="chart-label">
                {stage.name}
              </text>
              <text x={x + barWidth} y={height + 36} text-anchor="middle" class="chart-value">
                {formatMoney(stage.expectedRevenue, language)}
              </text>
            </g>
          );
        })}
        {props.summary.invoicedTarget > 0 ? (
          <g>
            <line class="target-line" x1="0" x2={width} y1={targetY} y2={targetY} />
            <text x={width - 4} y={targetY - 4} text-anchor="end" class="chart-label">
              {t('dashboard.target')}
            </text>
          </g>
        ) : null}
      </svg>
      <ul class="legend">
        <li>
          <span class="swatch bar-expected" aria-hidden="true" /> {t('pipeline.expected')}
        </li>
        <li>
          <span class="swatch bar-prorated" aria-hidden="true" /> {t('pipeline.prorated')}
        </li>
      </ul>
      <table class="table visually-hidden-table">
        <caption>{t('dashboard.chart')}</caption>
        <tbody>
          {stages.map((stage) => (
            <tr key={stage.stageId}>
              <th scope="row">{stage.name}</th>
              <td>{stage.count}</td>
              <td>{formatMoney(stage.expectedRevenue, language)}</td>
              <td>{formatMoney(stage.proratedRevenue, language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
