/**
 * The activity chart: record views and searches over a period, as an SVG bar chart in
 * GOV.UK colours, with the same figures as a table for anyone who cannot see it.
 *
 * The server's CSP forbids style attributes, so the SVG is drawn with presentation
 * attributes only (x, y, width, height, fill) and sized by a class in audit.css.
 */
import './audit.css'
import { html, type SafeHtml } from '../../dom'
import { longDate } from '../../forms'
import { scrollingTable } from '../admin/page'
import type { ActivityDay } from './audit-api'
import { shortDay } from './period'

/** Views and searches on one day, or on a run of days when the period is long. */
export interface ActivityPoint {
  readonly first: string
  readonly last: string
  readonly views: number
  readonly searches: number
}

export const VIEWS_COLOUR = '#1d70b8' // GOV.UK blue
export const SEARCHES_COLOUR = '#00703c' // GOV.UK green
const TEXT_COLOUR = '#0b0c0c'
const GRID_COLOUR = '#b1b4b6'
const MAX_BARS = 62

const WIDTH = 640
const HEIGHT = 240
const LEFT = 48
const RIGHT = 8
const TOP = 12
const BOTTOM = 36
const PLOT_WIDTH = WIDTH - LEFT - RIGHT
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM

/**
 * One point a day for `days` (days with no activity count zero); a long period is put in
 * runs of several days so that bars stay wide enough to see.
 */
export function activityPoints(days: readonly string[], rows: readonly ActivityDay[]): ActivityPoint[] {
  const byDay = new Map(rows.map((row) => [row.day, row]))
  const size = Math.max(1, Math.ceil(days.length / MAX_BARS))
  const points: ActivityPoint[] = []
  for (let start = 0; start < days.length; start += size) {
    const run = days.slice(start, start + size)
    const first = run[0]
    const last = run[run.length - 1]
    if (first === undefined || last === undefined) continue
    points.push({
      first,
      last,
      views: run.reduce((sum, day) => sum + (byDay.get(day)?.views ?? 0), 0),
      searches: run.reduce((sum, day) => sum + (byDay.get(day)?.searches ?? 0), 0),
    })
  }
  return points
}

/** The top of the scale: the smallest of 2, 4, 10, 20, 40, 100... at least `value`. */
export function scaleTop(value: number): number {
  for (let power = 1; ; power *= 10) {
    for (const step of [2, 4, 10]) {
      if (step * power >= value) return step * power
    }
  }
}

function when(point: ActivityPoint): string {
  return point.first === point.last ? longDate(point.first) : `${longDate(point.first)} to ${longDate(point.last)}`
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`
}

/** A sentence saying what the chart shows. */
export function chartSummary(points: readonly ActivityPoint[]): string {
  const views = points.reduce((sum, point) => sum + point.views, 0)
  const searches = points.reduce((sum, point) => sum + point.searches, 0)
  const busiest = points.reduce<ActivityPoint | null>(
    (best, point) => (best === null || point.views + point.searches > best.views + best.searches ? point : best),
    null,
  )
  const total = `${plural(views, 'record view', 'record views')} and ${plural(searches, 'search', 'searches')} in this period.`
  if (busiest === null || busiest.views + busiest.searches === 0) return total
  const busiestText = `Busiest: ${when(busiest)}, with ${plural(busiest.views, 'view', 'views')} and ${plural(busiest.searches, 'search', 'searches')}.`
  return `${total} ${busiestText}`
}

function bars(points: readonly ActivityPoint[], top: number): SafeHtml[] {
  const band = PLOT_WIDTH / points.length
  const barWidth = (band * 0.8) / 2
  const y = (value: number): number => TOP + PLOT_HEIGHT - (value / top) * PLOT_HEIGHT
  return points.map((point, index) => {
    const x = LEFT + index * band + band * 0.1
    const bar = (value: number, offset: number, colour: string, what: string): SafeHtml =>
      html`<rect x="${(x + offset).toFixed(2)}" y="${y(value).toFixed(2)}" width="${barWidth.toFixed(2)}"
        height="${(TOP + PLOT_HEIGHT - y(value)).toFixed(2)}" fill="${colour}"><title>${when(point)}: ${plural(value, what, `${what}s`)}</title></rect>`
    return html`${bar(point.views, 0, VIEWS_COLOUR, 'record view')}${bar(point.searches, barWidth, SEARCHES_COLOUR, 'search')}`
  })
}

function axes(points: readonly ActivityPoint[], top: number): SafeHtml {
  const ticks = [0, top / 2, top]
  const band = PLOT_WIDTH / points.length
  const labelled = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])]
  return html`
    ${ticks.map((tick) => {
      const y = TOP + PLOT_HEIGHT - (tick / top) * PLOT_HEIGHT
      return html`
        <line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y.toFixed(2)}" y2="${y.toFixed(2)}"
          stroke="${tick === 0 ? TEXT_COLOUR : GRID_COLOUR}" stroke-width="1"></line>
        <text x="${LEFT - 6}" y="${y.toFixed(2)}" dy="0.35em" text-anchor="end" font-size="14" fill="${TEXT_COLOUR}">${tick.toLocaleString('en-GB')}</text>`
    })}
    ${labelled.map((index) => {
      const point = points[index]
      if (point === undefined) return html``
      const anchor = labelled.length > 1 && index === 0 ? 'start' : index === points.length - 1 && points.length > 1 ? 'end' : 'middle'
      const x = anchor === 'start' ? LEFT : anchor === 'end' ? WIDTH - RIGHT : LEFT + (index + 0.5) * band
      return html`<text x="${x.toFixed(2)}" y="${HEIGHT - 12}" text-anchor="${anchor}" font-size="14" fill="${TEXT_COLOUR}">${shortDay(point.first)}</text>`
    })}`
}

function legend(): SafeHtml {
  const swatch = (colour: string): SafeHtml =>
    html`<svg class="cp-chart-legend__swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><rect width="16" height="16" fill="${colour}"></rect></svg>`
  return html`
    <ul class="govuk-list cp-chart-legend">
      <li class="cp-chart-legend__item">${swatch(VIEWS_COLOUR)} Record views</li>
      <li class="cp-chart-legend__item">${swatch(SEARCHES_COLOUR)} Searches</li>
    </ul>`
}

function figures(points: readonly ActivityPoint[]): SafeHtml {
  const daily = points.every((point) => point.first === point.last)
  return html`
    <details class="govuk-details">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">Show the figures as a table</span>
      </summary>
      <div class="govuk-details__text">
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--s">Record views and searches ${daily ? 'by day' : 'by runs of days'}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">${daily ? 'Day' : 'Days'}</th>
              <th scope="col" class="govuk-table__header govuk-table__header--numeric">Record views</th>
              <th scope="col" class="govuk-table__header govuk-table__header--numeric">Searches</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            ${points.map(
              (point) => html`
                <tr class="govuk-table__row">
                  <th scope="row" class="govuk-table__header">${when(point)}</th>
                  <td class="govuk-table__cell govuk-table__cell--numeric">${point.views.toLocaleString('en-GB')}</td>
                  <td class="govuk-table__cell govuk-table__cell--numeric">${point.searches.toLocaleString('en-GB')}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>`
}

/** The chart, its legend and summary, and the figures as a table; or an empty state. */
export function activityChart(points: readonly ActivityPoint[]): SafeHtml {
  const most = Math.max(0, ...points.flatMap((point) => [point.views, point.searches]))
  if (points.length === 0 || most === 0) {
    return html`<p class="govuk-body">No records were viewed or searched for in this period.</p>`
  }
  const top = scaleTop(most)
  const summaryText = chartSummary(points)
  return html`
    <p class="govuk-body">${summaryText}</p>
    ${legend()}
    ${scrollingTable('Activity chart', html`<figure class="cp-chart-figure">
      <svg class="cp-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" focusable="false"
        aria-labelledby="activity-chart-title activity-chart-desc">
        <title id="activity-chart-title">Bar chart of record views and searches${points[0]?.first === points[0]?.last ? ' per day' : ''}</title>
        <desc id="activity-chart-desc">${summaryText}</desc>
        ${axes(points, top)}
        ${bars(points, top)}
      </svg>
    </figure>`)}
    ${figures(points)}`
}
