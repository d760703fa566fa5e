/**
 * Days as the audit counts them: calendar days in UK time (the server groups activity
 * by Europe/London days), written YYYY-MM-DD as date inputs and query strings hold them.
 */
import type { Problem } from '../../forms'

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const LONDON = 'Europe/London'

function parts(day: string): [number, number, number] | null {
  const match = DAY_PATTERN.exec(day)
  if (match === null) return null
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const check = new Date(Date.UTC(year, month - 1, date))
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null
  return [year, month, date]
}

/** A real calendar day written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  return parts(value) !== null
}

/** Today in the UK. */
export function londonToday(now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return now.toLocaleDateString('en-CA', { timeZone: LONDON, year: 'numeric', month: '2-digit', day: '2-digit' })
}

export function addDays(day: string, count: number): string {
  const [year, month, date] = parts(day) ?? [1970, 1, 1]
  return new Date(Date.UTC(year, month - 1, date + count)).toISOString().slice(0, 10)
}

/** Minutes London's clock is ahead of UTC at `instant` (0 or 60). */
function londonOffsetMinutes(instant: Date): number {
  const fields = new Intl.DateTimeFormat('en-GB', {
    timeZone: LONDON,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(instant)
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(fields.find((part) => part.type === type)?.value ?? 0)
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'))
  return Math.round((wall - Math.floor(instant.getTime() / 60000) * 60000) / 60000)
}

/** The instant a UK day starts, as an ISO date-time for the API. */
export function startOfDay(day: string): string {
  const [year, month, date] = parts(day) ?? [1970, 1, 1]
  const guess = Date.UTC(year, month - 1, date)
  return new Date(guess - londonOffsetMinutes(new Date(guess)) * 60000).toISOString()
}

/** Every day from `first` to `last`, both included (empty when the range runs backwards). */
export function daysFrom(first: string, last: string): string[] {
  const days: string[] = []
  for (let day = first; day <= last && days.length <= 366; day = addDays(day, 1)) days.push(day)
  return days
}

/** 14 Mar: a day in a chart's axis. */
export function shortDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })
}

/** A period chosen with two date fields, `since` and `until` (both days included). */
export interface Period {
  readonly since: string
  readonly until: string
}

/** The API's range for a period: from the start of the first day to the end of the last. */
export function apiRange(period: Period): { since: string | null; until: string | null } {
  return {
    since: period.since === '' ? null : startOfDay(period.since),
    until: period.until === '' ? null : startOfDay(addDays(period.until, 1)),
  }
}

const FIELD_LABELS = { since: 'From', until: 'To' } as const

/** Problems with the dates typed (or edited into the query string). */
export function periodProblems(period: Period): Problem[] {
  const problems: Problem[] = []
  for (const field of ['since', 'until'] as const) {
    const value = period[field]
    if (value !== '' && !isDay(value)) {
      problems.push({ field, message: `${FIELD_LABELS[field]} must be a real date, like 2025-03-14` })
    }
  }
  if (problems.length === 0 && period.since !== '' && period.until !== '' && period.since > period.until) {
    problems.push({ field: 'since', message: 'From must be the same as or before To' })
  }
  return problems
}
