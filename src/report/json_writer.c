/* The JSON writer the reports share (include/report/json_writer.h). */
#include <inttypes.h>
#include <stdio.h>

#include "report/json_writer.h"

void sep(struct jw *w)
{
	if (!w->first)
		fputc(',', w->out);
	w->first = false;
}

void jstr_raw(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void key(struct jw *w, const char *k)
{
	sep(w);
	jstr_raw(w->out, k);
	fputc(':', w->out);
}

void open_obj(struct jw *w, const char *k)
{
	if (k)
		key(w, k);
	else
		sep(w);
	fputc('{', w->out);
	w->first = true;
}

void open_arr(struct jw *w, const char *k)
{
	if (k)
		key(w, k);
	else
		sep(w);
	fputc('[', w->out);
	w->first = true;
}

void close_obj(struct jw *w)
{
	fputc('}', w->out);
	w->first = false;
}

void close_arr(struct jw *w)
{
	fputc(']', w->out);
	w->first = false;
}

void kstr(struct jw *w, const char *k, const char *v)
{
	key(w, k);
	if (v)
		jstr_raw(w->out, v);
	else
		fputs("null", w->out);
}

void kint(struct jw *w, const char *k, long long v)
{
	key(w, k);
	fprintf(w->out, "%lld", v);
}

void kuint(struct jw *w, const char *k, unsigned long long v)
{
	key(w, k);
	fprintf(w->out, "%llu", v);
}

void khex(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	fprintf(w->out, "\"0x%" PRIx64 "\"", v);
}

void kbool(struct jw *w, const char *k, bool v)
{
	key(w, k);
	fputs(v ? "true" : "false", w->out);
}

void knull(struct jw *w, const char *k)
{
	key(w, k);
	fputs("null", w->out);
}

void bdf_str(char *buf, size_t len, uint16_t devid)
{
	snprintf(buf, len, "%02x:%02x.%x", devid >> 8, (devid >> 3) & 0x1f, devid & 7);
}

