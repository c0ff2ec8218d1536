/*
 * Line cleaning and prefix stripping: everything in front of the kernel's
 * message text.  Recognised, in any combination and order:
 *
 *   <3>                              log level (vmcore-dmesg, console, /dev/kmsg),
 *                                    or a syslog priority before a header: <11>Nov 24 ...
 *   [    1.234567]                   printk time (dmesg, vmcore-dmesg, makedumpfile)
 *   [    1.234567 <    0.000123>]    dmesg -d
 *   [<    0.000123>]                 dmesg -d with the time hidden
 *   [  +0.000123]                    dmesg -e / -H relative time
 *   [Tue Nov 24 02:50:01 2026]       dmesg -T (RHEL kexec-dmesg.log)
 *   [Nov24 02:50]                    dmesg -H
 *   [    T1]  [    C0]               printk caller id (CONFIG_PRINTK_CALLER)
 *   Nov 24 02:50:01 host kernel:     journalctl short, syslog (also .frac)
 *   2026-11-24T02:50:01+0000 host kernel:      journalctl short-iso(-precise), rsyslog
 *   2026-11-24T02:50:01,123456+00:00           dmesg --time-format=iso
 *   Tue 2026-11-24 02:50:01 UTC host kernel:   journalctl short-full
 *   [    1.234567] host kernel:      journalctl short-monotonic
 *
 * All scanning is by hand; nothing here allocates.
 */
#include <string.h>

#include "klog/klog_line.h"

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char wdays[] = "MonTueWedThuFriSatSun";

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int month_index(const char *s, size_t n)
{
	if (n < 3)
		return -1;
	for (int i = 0; i < 12; i++)
		if (!memcmp(s, months + 3 * i, 3))
			return i;
	return -1;
}

static bool is_wday(const char *s, size_t n)
{
	if (n < 3)
		return false;
	for (int i = 0; i < 7; i++)
		if (!memcmp(s, wdays + 3 * i, 3))
			return true;
	return false;
}

bool klog_line_needs_cleaning(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len; i++)
		if (u[i] < 0x20 || u[i] == 0x7f)
			return true;
	return false;
}

size_t klog_clean_line(const char *s, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) {
			/* ESC [ params final | ESC ] ... BEL/ST | ESC x */
			if (i + 1 < len && s[i + 1] == '[') {
				i += 2;
				while (i < len && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e))
					i++;
			} else if (i + 1 < len && s[i + 1] == ']') {
				i += 2;
				while (i < len && s[i] != 0x07 && !(s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\'))
					i++;
				if (i < len && s[i] == 0x1b)
					i++;
			} else if (i + 1 < len) {
				i++;
			}
			continue;
		}
		if (c == '\t') {
			out[o++] = ' ';
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return o;
}

/* "digits[.digits]"; returns chars consumed (0 if no digit).  text gets the
 * canonical form (leading zeros dropped). */
static size_t parse_seconds(const char *s, size_t n, double *val, char *text, size_t tcap)
{
	size_t i = 0;
	uint64_t ip = 0;
	double frac = 0, scale = 1;
	size_t t = 0;

	while (i < n && is_digit(s[i])) {
		if (ip < 100000000000000ull)
			ip = ip * 10 + (uint64_t)(s[i] - '0');
		if (t + 1 < tcap && !(t == 0 && s[i] == '0' && i + 1 < n && is_digit(s[i + 1])))
			text[t++] = s[i];
		i++;
	}
	if (i == 0)
		return 0;
	if (i < n && s[i] == '.' && i + 1 < n && is_digit(s[i + 1])) {
		if (t + 1 < tcap)
			text[t++] = '.';
		i++;
		while (i < n && is_digit(s[i])) {
			scale /= 10;
			frac += (s[i] - '0') * scale;
			if (t + 1 < tcap)
				text[t++] = s[i];
			i++;
		}
	}
	if (tcap)
		text[t < tcap ? t : tcap - 1] = 0;
	*val = (double)ip + frac;
	return i;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* n digits exactly */
static bool digits(const char *s, size_t n, size_t at, size_t count, int *val)
{
	int v = 0;
	if (at + count > n)
		return false;
	for (size_t k = 0; k < count; k++) {
		if (!is_digit(s[at + k]))
			return false;
		v = v * 10 + (s[at + k] - '0');
	}
	*val = v;
	return true;
}

/* HH:MM:SS[.,frac] at s[i]; returns end or 0 */
static size_t parse_hms(const char *s, size_t n, size_t i, double *sod, bool need_sec)
{
	int h, m, sec = 0;
	if (!digits(s, n, i, 2, &h) || i + 2 >= n || s[i + 2] != ':' || !digits(s, n, i + 3, 2, &m))
		return 0;
	i += 5;
	if (i < n && s[i] == ':' && digits(s, n, i + 1, 2, &sec)) {
		i += 3;
	} else if (need_sec) {
		return 0;
	}
	if (h > 24 || m > 59 || sec > 61)
		return 0;
	double f = 0, scale = 1;
	if (i + 1 < n && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
		i++;
		while (i < n && is_digit(s[i])) {
			scale /= 10;
			f += (s[i] - '0') * scale;
			i++;
		}
	}
	*sod = h * 3600.0 + m * 60.0 + sec + f;
	return i;
}

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Timezone "+0000", "+00:00", "Z", "-05" at s[i]; returns end (i if none). */
static size_t parse_zone(const char *s, size_t n, size_t i, double *offset)
{
	int hh, mm = 0;
	*offset = 0;
	if (i < n && s[i] == 'Z')
		return i + 1;
	if (i < n && (s[i] == '+' || s[i] == '-') && digits(s, n, i + 1, 2, &hh)) {
		size_t j = i + 3;
		if (j < n && s[j] == ':' && digits(s, n, j + 1, 2, &mm))
			j += 3;
		else if (digits(s, n, j, 2, &mm))
			j += 2;
		*offset = (s[i] == '+' ? 1 : -1) * (hh * 3600.0 + mm * 60.0);
		return j;
	}
	return i;
}

/* YYYY-MM-DD[T ]HH:MM:SS[frac][zone] at s[i]; returns end or 0 */
static size_t parse_iso(const char *s, size_t n, size_t i, char sep, double *secs)
{
	int y, mo, d;
	double sod, off;
	if (!digits(s, n, i, 4, &y) || i + 4 >= n || s[i + 4] != '-' || !digits(s, n, i + 5, 2, &mo) ||
	    i + 7 >= n || s[i + 7] != '-' || !digits(s, n, i + 8, 2, &d) || i + 10 >= n || s[i + 10] != sep)
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	size_t j = parse_hms(s, n, i + 11, &sod, true);
	if (!j)
		return 0;
	j = parse_zone(s, n, j, &off);
	*secs = (double)days_from_civil(y, mo, d) * 86400.0 + sod - off;
	return j;
}

/* "Mmm dd HH:MM:SS[.frac]" (dd may be space-padded) at s[i]; returns end or 0 */
static size_t parse_month_form(const char *s, size_t n, size_t i, int year, double *secs)
{
	int mo = month_index(s + i, n - i), d;
	double sod;
	if (mo < 0 || i + 3 >= n || s[i + 3] != ' ')
		return 0;
	size_t j = i + 4;
	if (j < n && s[j] == ' ')
		j++;
	if (j < n && is_digit(s[j])) {
		d = s[j] - '0';
		j++;
		if (j < n && is_digit(s[j]))
			d = d * 10 + (s[j++] - '0');
	} else {
		return 0;
	}
	if (j >= n || s[j] != ' ' || d < 1 || d > 31)
		return 0;
	size_t k = parse_hms(s, n, j + 1, &sod, true);
	if (!k)
		return 0;
	*secs = (double)days_from_civil(year, mo + 1, d) * 86400.0 + sod;
	return k;
}

bool klog_wall_seconds(const char *s, size_t n, double *out)
{
	size_t j;
	int y;
	if ((j = parse_iso(s, n, 0, 'T', out)) || (j = parse_iso(s, n, 0, ' ', out)))
		return true;
	if (is_wday(s, n) && n > 4 && s[3] == ' ') {
		/* "Tue Nov 24 02:50:01 2026" or "Tue 2026-11-24 02:50:01 UTC" */
		if (parse_iso(s, n, 4, ' ', out))
			return true;
		j = parse_month_form(s, n, 4, 1970, out);
		if (j) {
			if (j + 5 <= n && s[j] == ' ' && digits(s, n, j + 1, 4, &y))
				parse_month_form(s, n, 4, y, out);
			return true;
		}
		return false;
	}
	if (parse_month_form(s, n, 0, 1970, out))
		return true;
	/* dmesg -H "Nov24 02:50" */
	int mo = month_index(s, n), d;
	double sod;
	if (mo >= 0 && digits(s, n, 3, 2, &d) && n > 6 && s[5] == ' ' && parse_hms(s, n, 6, &sod, false)) {
		*out = (double)days_from_civil(1970, mo + 1, d) * 86400.0 + sod;
		return true;
	}
	return false;
}

static void set_wall(struct klog_prefix *p, const char *s, size_t len)
{
	size_t n = len < sizeof(p->time.wall) - 1 ? len : sizeof(p->time.wall) - 1;
	memcpy(p->time.wall, s, n);
	p->time.wall[n] = 0;
	p->time.has_wall = true;
	p->time.wall_sec_ok = klog_wall_seconds(s, len, &p->time.wall_sec);
}

/* A "[...]" group at s[i].  Returns the index after ']' or 0 when the group
 * is not a prefix we know. */
static size_t try_bracket(const char *s, size_t n, size_t i, struct klog_prefix *p)
{
	size_t lim = i + 48 < n ? i + 48 : n, close = 0;
	for (size_t k = i + 1; k < lim; k++)
		if (s[k] == ']') {
			close = k;
			break;
		}
	if (!close)
		return 0;
	size_t c = skip_spaces(s, close, i + 1);
	if (c >= close)
		return 0;
	double v;
	char text[24];
	size_t used;

	if (s[c] == '<' || s[c] == '+') {
		/* dmesg -d without time, or dmesg -e relative */
		size_t d = skip_spaces(s, close, c + 1);
		used = parse_seconds(s + d, close - d, &v, text, sizeof(text));
		if (!used)
			return 0;
		d = skip_spaces(s, close, d + used);
		if (s[c] == '<') {
			if (d >= close || s[d] != '>' || skip_spaces(s, close, d + 1) != close)
				return 0;
		} else if (d != close) {
			return 0;
		}
		if (!p->time.has_delta) {
			size_t tl = close - (i + 1);
			if (tl >= sizeof(p->time.delta_text))
				tl = sizeof(p->time.delta_text) - 1;
			memcpy(p->time.delta_text, s + i + 1, tl);
			p->time.delta_text[tl] = 0;
			p->time.delta = v;
			p->time.has_delta = true;
		}
		return close + 1;
	}
	if (is_digit(s[c])) {
		used = parse_seconds(s + c, close - c, &v, text, sizeof(text));
		size_t d = skip_spaces(s, close, c + used);
		if (d < close && s[d] == '<') {
			/* "[    1.234567 <    0.000123>]" */
			size_t e = skip_spaces(s, close, d + 1);
			double dv;
			char dt[24];
			size_t u2 = parse_seconds(s + e, close - e, &dv, dt, sizeof(dt));
			if (!u2)
				return 0;
			e = skip_spaces(s, close, e + u2);
			if (e >= close || s[e] != '>' || skip_spaces(s, close, e + 1) != close)
				return 0;
			size_t tl = close - d;
			if (tl >= sizeof(p->time.delta_text))
				tl = sizeof(p->time.delta_text) - 1;
			memcpy(p->time.delta_text, s + d, tl);
			p->time.delta_text[tl] = 0;
			p->time.delta = dv;
			p->time.has_delta = true;
		} else if (d != close) {
			return 0;
		}
		if (!p->time.has_mono) {
			p->time.has_mono = true;
			p->time.mono = v;
			memcpy(p->time.mono_text, text, sizeof(text));
		}
		return close + 1;
	}
	if ((s[c] == 'T' || s[c] == 'C') && c + 1 < close && is_digit(s[c + 1])) {
		size_t d = c + 1;
		while (d < close && is_digit(s[d]))
			d++;
		if (d != close || d - c >= sizeof(p->caller))
			return 0;
		memcpy(p->caller, s + c, d - c);
		p->caller[d - c] = 0;
		return close + 1;
	}
	/* wall clock: "Tue Nov 24 02:50:01 2026" or "Nov24 02:50" */
	double secs;
	if ((is_wday(s + c, close - c) || month_index(s + c, close - c) >= 0) &&
	    klog_wall_seconds(s + c, close - c, &secs)) {
		if (!p->time.has_wall)
			set_wall(p, s + c, close - c);
		return close + 1;
	}
	return 0;
}

/* "host ident: " at s[i].  With need_kernel, ident must be "kernel".
 * Returns the index after ": " or 0. */
static size_t try_host_ident(const char *s, size_t n, size_t i, bool need_kernel)
{
	size_t h = i;
	while (h < n && s[h] != ' ' && s[h] != ':' && s[h] != '[' && h - i < 256)
		h++;
	if (h == i || h >= n)
		return 0;
	size_t id = h;
	if (s[h] == ':') {
		/* no host: "kernel: " directly */
		if (need_kernel && !(h - i == 6 && !memcmp(s + i, "kernel", 6)))
			return 0;
		return h + 1 < n && s[h + 1] == ' ' ? h + 2 : h + 1;
	}
	if (s[h] != ' ')
		return 0;
	id = h + 1;
	size_t e = id;
	while (e < n && s[e] != ' ' && s[e] != ':' && s[e] != '[' && e - id < 128)
		e++;
	if (e == id || e >= n)
		return 0;
	bool is_kernel = e - id == 6 && !memcmp(s + id, "kernel", 6);
	if (need_kernel && !is_kernel)
		return 0;
	if (s[e] == '[') {
		while (e < n && s[e] != ']')
			e++;
		e++;
	}
	if (e >= n || s[e] != ':')
		return 0;
	e++;
	if (e < n && s[e] == ' ')
		e++;
	return e;
}

void klog_prefix_parse(const char *s, size_t n, struct klog_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->level = -1;
	size_t i = 0;
	size_t header_at = 0;	/* where a wall-clock header may start */
	bool header_done = false;

	for (int round = 0; round < 8; round++) {
		size_t at = i;
		size_t j = skip_spaces(s, n, i);
		if (j >= n)
			break;
		if (s[j] == '<' && j + 2 < n && is_digit(s[j + 1])) {
			size_t k = j + 1;
			int lv = 0;
			while (k < n && is_digit(s[k]) && k - j < 4)
				lv = lv * 10 + (s[k++] - '0');
			if (k < n && s[k] == '>') {
				/* a syslog priority (facility * 8 + level) in front of the
				 * header: "<11>Nov 24 02:50:01 host kernel: " */
				if (at == 0)
					header_at = k + 1;
				p->level = lv & 7;
				i = k + 1;
				continue;
			}
			break;
		}
		if (s[j] == '[') {
			size_t k = try_bracket(s, n, j, p);
			if (!k)
				break;
			i = k;
			/* journalctl -o short-monotonic: "[    1.234567] host kernel: " */
			if (!header_done && j == 0 && p->time.has_mono) {
				size_t h = try_host_ident(s, n, skip_spaces(s, n, i), true);
				if (h) {
					i = h;
					header_done = true;
					p->journal = true;
				}
			}
			continue;
		}
		if (header_done || at != header_at)
			break;
		/* wall-clock headers at the very start of the line */
		double secs;
		size_t e = 0;
		bool need_kernel = false;
		if (is_digit(s[j])) {
			e = parse_iso(s, n, j, 'T', &secs);
			need_kernel = true;	/* dmesg --time-format=iso has no host */
		} else if (is_wday(s + j, n - j) && j + 4 < n && s[j + 3] == ' ' && is_digit(s[j + 4])) {
			/* journalctl short-full: "Tue 2026-11-24 02:50:01 UTC host kernel: " */
			e = parse_iso(s, n, j + 4, ' ', &secs);
			if (e && e + 1 < n && s[e] == ' ' && s[e + 1] >= 'A' && s[e + 1] <= 'Z') {
				size_t z = e + 1;
				while (z < n && s[z] != ' ' && z - e < 8)
					z++;
				e = z;
			}
		} else if (month_index(s + j, n - j) >= 0) {
			e = parse_month_form(s, n, j, 1970, &secs);
		}
		if (!e)
			break;
		if (e < n && s[e] != ' ')
			break;
		set_wall(p, s + j, e - j);
		i = e;
		size_t h = try_host_ident(s, n, skip_spaces(s, n, e), need_kernel);
		if (h) {
			i = h;
			p->journal = true;
		}
		header_done = true;
	}
	/* keep leading spaces of the message: they are part of some messages */
	if (i < n && s[i] == ' ' && i > 0)
		i++;
	p->msg_off = i > n ? n : i;
}

bool klog_prefix_resync(const char *s, size_t len, size_t limit, struct klog_prefix *out)
{
	if (limit > len)
		limit = len;
	for (size_t i = 1; i < limit; i++) {
		if (s[i] != '[' && s[i] != '<')
			continue;
		klog_prefix_parse(s + i, len - i, out);
		if (out->time.has_mono || out->time.has_wall || out->time.has_delta) {
			out->msg_off += i;
			return true;
		}
	}
	return false;
}
