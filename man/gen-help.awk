# Writes one of the two outputs of man/iommu-inflight.help (its header says
# what the directives mean):
#
#   awk -v out=crash -f man/gen-help.awk man/iommu-inflight.help > crash_help.h
#   awk -v out=man -v version=V -v date=YYYY-MM-DD -f man/gen-help.awk \
#       man/iommu-inflight.help > iommu-inflight.1
#
# POSIX awk only (mawk in a minimal Debian chroot builds the extension too).

function cstr(s) {
	gsub(/\\/, "&&", s)		# "&&": the matched backslash twice, in every awk
	gsub(/"/, "\\\"", s)
	gsub(/\n/, "\\n\"\n\"", s)
	return "\"" s "\""
}

function roff(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	if (s ~ /^[.']/)
		s = "\\&" s
	return s
}

# crash: one element of the help array
function cline(s) {
	print cstr(s) ","
	cblank = (s == "")
}

# crash: the section's title, once, before its first line
function ctitle() {
	if (title == "" || title == "DESCRIPTION" || ctitled)
		return
	if (!cblank)
		cline("")
	cline(title)
	ctitled = 1
}

# man: the section's title, once, before its first line
function mtitle() {
	if (mtitled)
		return
	print ".SH " (title ~ / / ? "\"" roff(title) "\"" : roff(title))
	mtitled = 1
	mpend = 0
}

# man: an empty line of the source starts a new paragraph before the next text
function mtext(s) {
	if (mpend)
		print ".PP"
	mpend = 0
	print s
}

# man: bold the words of a flag, italic its arguments
function mflags(s,    n, w, i, r) {
	n = split(s, w, " ")
	r = ""
	for (i = 1; i <= n; i++)
		r = r (i > 1 ? " " : "") (w[i] ~ /^[-\/0-9]/ ? "\\fB" roff(w[i]) "\\fR" : "\\fI" roff(w[i]) "\\fR")
	return r
}

# man: a synopsis line, its leading lowercase words (the command) in bold
function msynopsis(s,    n, w, i, r, bold) {
	n = split(s, w, " ")
	r = ""; bold = 1
	for (i = 1; i <= n; i++) {
		if (w[i] !~ /^[a-z]/)
			bold = 0
		r = r (i > 1 ? " " : "") (bold ? "\\fB" roff(w[i]) "\\fR" : roff(w[i]))
	}
	print ".PP"
	print r
}

function mexample_flush(    i, first, last, s) {
	first = 1; last = nex
	while (first <= last && ex[first] == "") first++
	while (last >= first && ex[last] == "") last--
	if (first <= last) {
		print ".PP"
		mpend = 0
		print ".RS 4"
		print ".nf"
		for (i = first; i <= last; i++) {
			s = ex[i]
			gsub(/%s>/, "crash>", s)
			print roff(s)
		}
		print ".fi"
		print ".RE"
		mpend = 1
	}
	nex = 0
}

function wanted() { return scope == "both" || scope == out }

function end_block() {
	if (mode == "example" && out == "man")
		mexample_flush()
	mode = "text"
}

BEGIN {
	if (out != "crash" && out != "man") {
		print "gen-help.awk: out must be crash or man" > "/dev/stderr"
		exit 2
	}
	scope = "both"; mode = "text"; title = ""; cblank = 1
}

/^#/ { next }

/^@/ {
	d = $1
	arg = $0; sub(/^@[a-z]+[ \t]*/, "", arg)
	end_block()
	if (d == "@name") { name = arg; next }
	if (d == "@summary") { summary = arg; next }
	if (d == "@synopsis") { mode = "synopsis-" arg; next }
	if (d == "@section") {
		if (out == "crash" && !started) start_crash()
		if (out == "man" && !started) start_man()
		if (out == "man" && title == "NAME") man_synopsis()
		title = arg; scope = "both"; ctitled = 0; mtitled = 0
		next
	}
	if (d == "@for") {
		if (arg != "both" && arg != "crash" && arg != "man") {
			printf "gen-help.awk: line %d: @for %s (want both, crash or man)\n", NR, arg > "/dev/stderr"
			err = 1
		}
		scope = arg; next
	}
	if (d == "@option") {
		mode = "option"; optflags = arg; optfirst = 1
		next
	}
	if (d == "@example") { mode = "example"; next }
	if (d == "@text") { next }
	printf "gen-help.awk: line %d: unknown directive %s\n", NR, d > "/dev/stderr"
	err = 1
	next
}

mode ~ /^synopsis-/ {
	if ($0 == "") next
	if (mode == "synopsis-crash") syn_crash = syn_crash (syn_crash == "" ? "" : "\n") $0
	else syn_man[++nsyn] = $0
	next
}

!started { next }

mode == "option" && $0 == "" { mode = "text" }

mode == "option" {
	if (!wanted()) next
	if (out == "crash") {
		ctitle()
		if (optfirst && length(optflags) <= 10)
			cline(sprintf("    %-10s %s", optflags, $0))
		else {
			if (optfirst)
				cline("    " optflags)
			cline("               " $0)
		}
	} else {
		mtitle()
		if (optfirst) {
			print ".TP"
			print mflags(optflags)
			mpend = 0
		}
		print roff($0)
	}
	optfirst = 0
	next
}

mode == "example" {
	if (!wanted()) next
	if (out == "crash") {
		ctitle()
		cline($0 == "" ? "" : "    " $0)
	} else {
		mtitle()
		ex[++nex] = $0
	}
	next
}

{
	if (!wanted()) next
	if (out == "crash") {
		if ($0 == "") {
			if (ctitled || title == "DESCRIPTION") cline("")
		} else {
			ctitle()
			cline("  " $0)
		}
	} else {
		if ($0 == "")
			mpend = mtitled
		else {
			mtitle()
			mtext(roff($0))
		}
	}
}

function start_crash() {
	started = 1
	print "/* Generated from man/iommu-inflight.help by man/gen-help.awk: do not edit. */"
	print "static char *help_iommu_inflight[] = {"
	cline(name)
	cline(summary)
	cline(syn_crash)
}

function start_man() {
	started = 1
	print ".\\\" Generated from man/iommu-inflight.help by man/gen-help.awk: do not edit."
	print ".TH IOMMU\\-INFLIGHT 1 \"" date "\" \"iommu\\-inflight " version "\" \"User Commands\""
	# identifiers and paths: no hyphenation, ragged right
	print ".nh"
	print ".ad l"
}

# man: SYNOPSIS, after the NAME section
function man_synopsis(    i) {
	print ".SH SYNOPSIS"
	for (i = 1; i <= nsyn; i++)
		msynopsis(syn_man[i])
}

END {
	end_block()
	if (err) exit 1
	if (out == "crash") {
		print "NULL"
		print "};"
	}
}
