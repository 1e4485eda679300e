/** Today's date in Nusa Tenggara Timur (WITA, UTC+8), as YYYY-MM-DD: the one place the app asks the clock for a date. */
export function todayInNtt(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
