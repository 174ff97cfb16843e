"""The English text of every message code: the source of the gettext catalogs.

Texts are str.format templates over the message's parameters; `{n:@file|files}` shows a count
with its English noun. Each text tells a non-programmer what to write instead. Changing a text
here marks its translation for review (`python -m sitegen.messages.catalog`).
"""

from __future__ import annotations

from sitegen.messages.english_commands import ARGPARSE, HELP, UI
from sitegen.untrusted import (
    MAX_BLOCK_CHARS,
    MAX_BLOCK_LINES,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_FRONT_MATTER_BYTES,
    MAX_LINKS,
    MAX_VALUE_CHARS,
)

# One entry per problem code. Every message tells a non-programmer what to write instead.
PROBLEMS: dict[str, str] = {
    # files and syntax
    "not-utf8": "this file is not saved as UTF-8 text (byte {offset} is not valid); "
    "save it again as 'UTF-8' in your editor",
    "no-front-matter": "the file must start with a line '---', then the fields, then another '---' line",
    "fence-dashes": "'{value}' is not the line '---' the fields start and end with; type exactly three "
    "hyphens - on an English keyboard (a phone's 'smart punctuation' turns them into long or full-width dashes)",
    "unclosed-front-matter": "the front matter opened with '---' is never closed; "
    "add a line '---' after the last field",
    "yaml-syntax": "this line cannot be read: {advice} (in the YAML reader's words: {problem})",
    "fullwidth-space": "this line has a full-width space (　) where YAML needs an ordinary one; retype the "
    "spaces at the start of the line and after the ':' with the keyboard in half-width mode",
    "fullwidth-colon": "'{field}：' is written with the Chinese colon '：'; after a field name write the "
    "English colon and a space, e.g. '{field}: …'",
    "colon-no-space": "'{field}:{value}' has no space after the colon, so it is not read as the field '{field}'; "
    "write '{field}: {value}'",
    "toml-syntax": "sitegen.toml cannot be read ({problem}); {advice}",
    "yaml-too-complex": f"the front matter nests more than {MAX_DEPTH} levels deep or repeats itself through '&' "
    "anchors and '*' references; write each field out plainly as 'field: value'",
    "not-a-mapping": "the front matter must be a list of 'field: value' lines",
    "yaml-tag": "'{field}' is marked with the YAML type tag '{tag}', which sitegen does not read here or which "
    "does not fit the value; delete '{tag}' and write the value plainly (a text that starts with '!' goes in "
    "quotes, e.g. title: \"!好茶\")",
    "control-character": "this line contains an invisible control character ({char}), which could garble the "
    "page or an editor's screen; delete it (if you cannot see it, delete and retype the text around it)",
    "cannot-read": "cannot be read ({problem}): sitegen is not allowed to open it; give everyone permission to "
    "read it (e.g. chmod -R a+rX on the catalog folder), or remove it",
    "file-too-large": "this file is larger than {limit} bytes (the limit is passed on this line), far more than "
    "a catalog needs, so it is not read; shorten it",
    "front-matter-too-long": f"the front matter (between the '---' lines) is longer than {MAX_FRONT_MATTER_BYTES:,} "
    "bytes (the limit is passed on this line), so it is not read; a product needs a few hundred lines at most: "
    "shorten it",
    "text-too-long": f"the text below the front matter is longer than {MAX_BODY_BYTES:,} bytes (about "
    f"{MAX_BODY_BYTES // 3:,} Chinese characters; the limit is passed on this line); shorten it or split it",
    "block-too-long": f"this paragraph, list or table runs on for more than {MAX_BLOCK_LINES} lines or "
    f"{MAX_BLOCK_CHARS:,} characters without an empty line (the limit is passed on this line), which takes the "
    "Markdown reader too long; put an empty line between its parts",
    "too-many-links": f"the text has more than {MAX_LINKS:,} '[' (this line has the {MAX_LINKS + 1:,}th), which "
    "takes the Markdown reader too long; links and pictures are written with [ ], so split the text into "
    "several products, or write 【 】 where you mean brackets",
    "nested-too-deep": f"this line puts lists or quotes inside each other more than {MAX_DEPTH} levels deep (each "
    "'>', '-', '*', '+' or '1.' at its start, and every 4 spaces before them, is one level); write it plainly",
    "value-too-long": f"'{{field}}' is longer than {MAX_VALUE_CHARS:,} characters; shorten it (the story "
    "belongs in the text below the front matter)",
    "missing-config": "there is no sitegen.toml here; run this inside a catalog folder or pass --root",
    # fields
    "missing-field": "the required field '{field}' is missing; add a line '{key}: …'",
    "missing-setting": "sitegen.toml has no '{field}'; add a line {example}",
    "wrong-type": "'{field}' must be {expected}, not {got}",
    "unknown-key": "unknown field '{field}'{hint}",
    "empty-value": "'{field}' is empty, but it must have a value (it cannot be left out either); write one",
    "negative-amount": "'{field}' must be 0 or more, not {value}",
    "bad-month": "'{field}' has month {value}; months are whole numbers from 1 to 12, written as a list with "
    "English commas, e.g. {field}: [9, 10, 11]",
    "bad-url": "'{field}' must be a web address starting with http:// or https://, not '{value}'",
    "qr-too-long": "'{field}' is {length} characters long as a web address, more than the {limit} a QR code printed "
    "2.5 cm wide can hold and still be read by a phone; the product's QR code links to its page instead, which "
    "links to the record. Ask the traceability platform for a shorter link to have the code open the record",
    "bad-date": "'{field}' must be a date written as YYYY-MM-DD, e.g. 2024-09-01 (or a year alone, e.g. 2014), "
    "not '{value}'",
    "no-such-date": "'{field}' is {value}, a day that does not exist in the calendar; check the month and day",
    "duplicate-key": "'{field}' is written twice; keep only one",
    # ids and references
    "bad-id": "'{value}' is not a valid id (ids name folders and [categories.…] tables); use lowercase "
    "letters a-z, digits and hyphens only, e.g. '{suggestion}'",
    "unknown-category": "category '{value}' is not defined in sitegen.toml{hint}; write the id of one of: {names}",
    "unknown-certification": "certification '{value}' is not defined in sitegen.toml{hint}; write the id of one "
    "of: {names}",
    "bad-cert-number": "'{value}' is not a {name} certificate number, which is {format}; copy it exactly as the "
    "certificate shows it (shoppers look it up in the registry), or leave out number until you have it",
    "unknown-brand": "this product is in products/{value}/, but there is no brand folder brands/{value}/; "
    "create it with 'sitegen new brand {value} --name …' or move the product",
    "duplicate-id": "{kind} id '{value}' is defined twice in sitegen.toml; keep only one",
    "misnamed-index": "this folder has '{value}' but no index.md, so it is not read; rename '{value}' to "
    "index.md, all in lower case (Windows may hide a '.txt' at the end of the name)",
    "stray-file": "this folder has no index.md, so it is ignored; add an index.md or remove the folder",
    # files referenced from content
    "missing-image": "the image '{value}' is not in this folder; check the file name (letters, "
    "upper/lower case and extension must match exactly)",
    "missing-image-draft": "the image '{value}' is not in this folder yet; this product is a draft (draft: "
    "true), so it is previewed without it; add the photo before you remove 'draft: true'",
    "path-escapes": "'{value}' points outside this folder; put the file beside index.md and write "
    "only its name",
    "link-outside": "'{value}' is a shortcut (symbolic link) to a file or folder outside the catalog, which "
    "sitegen does not follow; put the real file or folder here instead",
    "link-hidden": "'{value}' is a shortcut (symbolic link) into a hidden file or folder of the catalog ('.git', "
    "'.sitegen-cache' …), which sitegen does not follow: they hold git's settings (and a CI job's token), not "
    "the catalog; put the real file or folder here instead",
    "bad-file-name": "'{value}' cannot be published under this name: a theme's static files are published as "
    "they are named, so a name must be UTF-8 text without control characters and its path about 1,000 "
    "characters at most; rename it (letters, digits, '-', '_' and '.'), in a folder a few levels deep at most",
    "bad-link": "'{value}' is a shortcut (symbolic link) that leads nowhere: to itself, to a folder it is in, or "
    "to a file that does not exist; delete it, and put the real file or folder here if one is meant",
    "empty-file": "'{field}' has an entry with no file name; write the name of a photo beside index.md, e.g. "
    "{field}: photo-1.jpg, or delete the entry",
    "missing-alt": "image '{value}' has no 'alt' text; write {{file: {value}, alt: what the photo shows}} "
    "so blind shoppers and slow connections get a description",
    "comment-cut": "'{field}' is read as '{value}': after a space, '#' starts a note for editors, so "
    "'{rest}' is left out; to keep it, put the whole value in quotes: {field}: \"{value} {rest}\"",
    "unlisted-picture": "the text shows the picture '{value}', but only the photos named in {listed_in} are "
    "published, so it is left out of the page; put the photo beside index.md and name it there (for a "
    "product: - {{file: {value}, alt: what it shows}} under images:), or take the picture out of the text",
    "outside-picture": "the text shows a picture from another website ({value}); it is left out, because "
    "other websites are slow or blocked for shoppers; save the photo beside index.md and name it in {listed_in}",
    "bad-image": "'{value}' cannot be used as an image: {problem}",
    "image-profile": "'{value}' has a damaged colour profile ({problem}), so it was treated as sRGB "
    "and its colours may look a little off; export it again as sRGB JPEG",
    "image-cache": "the image cache {value} cannot be written: {problem}; check that the folder is "
    "writable and the disk is not full (it is safe to delete the folder)",
    "bad-setting": "'{field}' {problem}",
    # site config
    "english-missing": "the English catalog (/en/) shows the Chinese here: there is no {fields}; add it, "
                       "e.g. {example}",
    "bad-language": "language '{value}' is not a language code such as zh-CN or en",
    "unknown-theme": "theme '{value}' was not found in themes/ or inside sitegen; use one of: {valid}",
    "template-error": "{problem}; fix this template, or delete it to use the one sitegen ships",
    "template-unsafe": "'{value}' reaches into Python's internals, which templates may not use (a template could "
    "otherwise run programs on the build machine); show the catalog's data instead, e.g. {{{{ product.title }}}}",
}

# Why a publish stopped
PUBLISH: dict[str, str] = {
    # the local build
    "no-output": "there is no built site at {path}; run 'sitegen build' first",
    "empty-output": "{path} is empty; run 'sitegen build' first",
    "no-manifest": "{path} has no .sitegen-manifest.json, so it is not the result of a successful build; "
    "run 'sitegen build' again and publish only when it succeeds",
    "bad-manifest": "the build manifest {path} cannot be read ({problem}); run 'sitegen build' again",
    "drafts-in-output": "{path} was built with --drafts and holds products marked draft: true, which are not "
    "ready for shoppers; run 'sitegen build' without --drafts, or publish anyway with --allow-drafts",
    "manifest-mismatch": "the built files do not match the build manifest ({count} differ, e.g. {examples}); "
    "something changed output/ after the build; run 'sitegen build' again",
    # where to publish
    "no-bucket": "no bucket to publish to; set 'bucket' in the [publish] table of sitegen.toml or pass --bucket",
    "bad-target": "--target must be file:///a/folder or s3://bucket/prefix, not '{value}'",
    "bad-option": "{option} must be {expected}, not '{value}'",
    "unsafe-folder": "the folder {path} is not empty and was not written by 'sitegen publish'; "
    "choose an empty folder so nothing of yours is deleted",
    "target-overlaps": "the target folder {path} overlaps the build output {output}; choose another folder",
    # credentials and the service
    "no-credentials": "no storage credentials found; boto3 looks in the environment variables "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then the profile{profile} in ~/.aws/credentials "
    "and ~/.aws/config, then the instance or container role",
    "bad-profile": "the profile '{profile}' is not in ~/.aws/credentials or ~/.aws/config",
    "missing-bucket": "the bucket '{bucket}' does not exist at {endpoint}; create it or fix 'bucket'",
    "access-denied": "the storage service refused access ({code}: {detail}) during {operation}; "
    "check that the credentials may list, read, write and delete in '{bucket}'",
    "service-error": "the storage service answered {code} ({detail}) during {operation} of '{key}'",
    "unreachable": "cannot reach the storage endpoint {endpoint} ({detail}); check endpoint_url and the "
    "network, then run 'sitegen publish' again",
    "unreachable-midway": "lost the storage endpoint {endpoint} mid-publish ({detail}); the bucket still serves "
    "a consistent site; run 'sitegen publish' again to finish ({done} of {total} uploads had arrived)",
    "timed-out": "the storage endpoint {endpoint} did not answer within {seconds} s, {attempts} times in a row "
    "({operation}); check endpoint_url and the network (on a slow link, raise read_timeout or connect_timeout "
    "in [publish]), then run 'sitegen publish' again",
    "timed-out-midway": "the storage endpoint {endpoint} did not answer within {seconds} s, {attempts} times in a "
    "row ({operation}), mid-publish; the bucket still serves a consistent site; check the network (on a slow "
    "link, raise read_timeout or connect_timeout in [publish]), then run 'sitegen publish' again to finish "
    "({done} of {total} uploads had arrived)",
    "interrupted": "publish interrupted; the bucket still serves a consistent site; run 'sitegen publish' "
    "again to finish ({done} of {total} uploads had arrived)",
    "bad-client": "boto3 cannot use the [publish] settings ({detail}); check endpoint_url, region, "
    "addressing_style and signature_version",
    "request-failed": "boto3 could not send {operation} of '{key}' ({detail}); check the [publish] settings",
    "write-failed": "cannot write {path}: {detail}",
    "unsafe-path": "'{path}' is not a path inside the target; publish does not write, read or delete it",
    "read-failed": "cannot read {path} from the build: {detail}; run 'sitegen build' again",
    # the plan
    "too-many-deletes": "this publish would delete {count} files (more than --max-deletes {limit}), "
    "e.g. {examples}; check --prefix and output/, then pass --force or a higher --max-deletes",
    "index-in-output": "the build output contains '{key}', a name publish keeps for itself; rename that file",
}


# Parts of sentences: hints, and the names of kinds of values
WORDS: dict[str, str] = {
    "hint-did-you-mean": "; did you mean '{word}'?",
    "hint-allowed-fields": "; allowed fields are: {choices}",
    "hint-allowed-commands": "; allowed commands are: {choices}",
    "hint-term": " (did you mean '{word}'?)",
    "term-name": "{id} ({zh})",
    "example-under-this-line": "{example} (under this line)",
    "kind-category": "category",
    "kind-certification": "certification",
    "listed-in-brand": "logo: or banner:",
    "none-defined": "(none defined)",
    # the operating system's reasons (os_reason)
    "os-denied": "permission denied",
    "os-missing": "no such file or folder",
    "os-full": "the disk is full",
    "os-read-only": "the disk is read-only",
    "os-is-folder": "it is a folder",
    "os-not-folder": "a part of the path is not a folder",
    "os-loop": "too many levels of shortcuts (symbolic links)",
    "os-name-too-long": "the name is too long",
    "os-io": "the disk could not be read (input/output error)",
    # why a photo cannot be used (the `problem` of bad-image), why an [images] setting is wrong (of bad-setting)
    "image-empty": "the file is empty (0 bytes); copy the photo again from the phone or camera",
    "image-damaged-rest": "it starts like a {kind} file but the rest is damaged; copy it again from the original",
    "image-video": "it is a video (MP4 or MOV), not a photo; use a still picture taken from it",
    "image-pdf": "it is a PDF document, not a picture; save the picture as {formats}",
    "image-text": "it contains text, not a picture, whatever its name says; use a {formats} file",
    "image-unknown-format": "it is not a picture in a format sitegen reads ({formats}), whatever its name says",
    "image-damaged": "the file is damaged ({problem}); copy it again from the original",
    "image-format-unsupported": "{format} pictures are not supported; save it as JPEG (photos) or PNG (logos, "
    "cut-outs)",
    "image-too-many-pixels": "it declares {width} × {height} pixels ({megapixels} megapixels), more than the limit "
    "of {limit}; this is usually a damaged file; for a real giant picture, make it smaller or raise max_megapixels "
    "under [images] in sitegen.toml",
    "image-zero-size": "it declares a size of 0 pixels",
    "image-cut-short": "the file is cut short or damaged ({problem}); copy it again from the phone or camera",
    "image-unreadable": "the file cannot be read ({problem})",
    "image-mode": "its colour mode {mode} is not supported ({problem}); save it as an RGB JPEG",
    "setting-number-format": "'{value}' is not a known format of certificate numbers; use one of: {valid}, or "
    "leave number_format out",
    "cert-format-green-food": "GF followed by 12 digits (e.g. GF330102240567), or an older LB-… number",
    "cert-format-organic": "17 digits (the 有机码 on the label)",
    "setting-base-url-root": "must be the address of the site's root, such as https://www.example.cn/, not "
    "'{value}': the catalog is served from the root of its own (sub)domain",
    "setting-languages": "must list the catalog's own language first (language = …), then \"en\" for an English "
                         "catalog at /en/, e.g. {example}",
    "setting-base-url-long": "must be at most {limit} characters long as a web address, not {length}: every "
    "product's QR code holds it",
    "setting-theme": "must be the name of a folder in themes/ (or of a theme sitegen ships), such as \"default\", "
    "not '{value}': a theme cannot come from outside the catalog",
    "setting-cache-dir-inside": "must be a folder inside the catalog, such as \".sitegen-cache\", not '{value}'",
    "setting-url-port": "has an impossible port number after the ':' (it must be a whole number from 1 to 65535)",
    "setting-url-brackets": "has a '[' or ']' that does not belong in a web address",
    "setting-url-password": "must not contain a user name or password (the 'name:password@' part): every "
    "visitor could read it",
    "setting-range": "must be a whole number from {low} to {high}, not {value}",
    "setting-widths": "must be a list of widths in pixels, whole numbers from 1 to 10000, e.g. [480, 960, 1600]",
    "setting-formats": "must list some of {formats}",
    "setting-formats-unknown": "must list some of {formats}; '{value}' is not one of them",
    "setting-no-avif": "includes \"avif\", but the installed Pillow cannot write AVIF pictures; upgrade it (pip "
    "install -U pillow) or install pillow-avif-plugin, or remove \"avif\" from the list",
    "setting-cache-dir": "must be a folder inside the catalog, written relative to sitegen.toml without '..', "
    "e.g. \".sitegen-cache\" (the build reads and writes there, so sitegen.toml may not send it elsewhere)",
    # what to write instead, where a YAML or TOML reader could not read a line
    "advice-yaml-tab": "indent with spaces; the Tab key cannot be used in the front matter",
    "advice-yaml-colon": "a value containing ': ' must be in quotes, e.g. title: \"菊米: 特级\"; or this line is "
    "indented differently from the lines around it",
    "advice-yaml-quote": "a quote mark \" or ' is opened here but never closed",
    "advice-yaml-reserved": "a value starting with @, ` or % must be in quotes",
    "advice-yaml-alias": "a value starting with * or & must be in quotes, e.g. title: \"*特级*菊米\"",
    "advice-yaml-tag": "a value starting with ! must be in quotes, e.g. title: \"!好茶\"",
    "advice-yaml-list": "a list opened with [ is not closed with ]",
    "advice-yaml-group": "a group opened with {{ is not closed with }}",
    "advice-yaml-chinese-brackets": "use the English [ ] and , in a list, e.g. season: [10, 11], not 【 】 or ，",
    "advice-yaml-bracket-value": "a value starting with [ or {{ is read as a list or group; if it is text, put all "
    "of it in quotes, e.g. title: \"[特级] 菊米\"",
    "advice-yaml-quote-value": "a value that starts with a quote mark must end with the same mark; to show quote "
    "marks inside, wrap the whole value in the other kind, e.g. title: '\"遂昌\"菊米'",
    "advice-yaml-no-key": "this line has no 'field:' in front; if it continues the value on the line above, join "
    "the two lines into one",
    "advice-yaml-other": "check the indentation and quotes here",
    "advice-toml-quote": "a quote mark opened on this line is never closed; write text between two straight double "
    "quotes, e.g. title = \"山水好物\"",
    "advice-toml-value": "text must be between straight double quotes \" \" (not “ ” and not left bare), e.g. title "
    "= \"山水好物\"; numbers and true/false need no quotes",
    "advice-toml-equals": "write the setting's name, then ' = ' (the English equals sign, no colon), then the "
    "value, e.g. title = \"山水好物\"",
    "advice-toml-statement": "each line is a setting whose name is in English letters, e.g. title = \"…\", or a "
    "[section] line; Chinese text goes in double quotes after the '='",
    "advice-toml-overwrite": "this setting is already written above; keep only one of them",
    "advice-toml-declare": "this [section] is already written above; keep only one, with all its settings under it",
    "advice-toml-array": "a list opened with '[' here is never closed; end it with ']'",
    "advice-toml-inline": "a '{{' opened here is never closed; end it with '}}' on the same line",
    "advice-toml-newline": "write one setting per line, with its whole text in one pair of double quotes; a date is "
    "written 2024-09-01",
    "advice-toml-section": "a section name is written between square brackets, e.g. [contact]",
    "advice-toml-backslash": "write a backslash inside double quotes twice (\\\\), or use single quotes",
    "advice-toml-other": "check the quote marks, brackets and '=' on this line",
    "toml-too-deep": "lists or tables nested more than {depth} levels deep",
    "advice-toml-plainly": "write each setting plainly, e.g. widths = [480, 960, 1600]",
    "advice-toml-number": "write the number as it is meant, e.g. quality = 80",
    "toml-long-number": "a number with more than {digits} digits",
    "toml-huge-number": "a number larger than TOML allows",
    "type-text": "text",
    "type-int": "a whole number",
    "type-float": "a number",
    "type-bool": "true or false",
    "type-list": "a list",
    "type-none": "nothing",
    "type-bytes": "binary data",
    "type-value": "a value",
    "type-date": "a date or time",
    "type-group": "a group of fields",
    "type-table": "a table",
    "type-single-value": "a single value",
    "expect-text": "text",
    "expect-text-not-switch": "text (a word like yes, no, on or off is read as true or false unless it is in "
    "quotes, e.g. {field}: \"NO\")",
    "expect-number": "a number such as 68 or 12.5",
    "expect-number-no-currency": "only the number, without ¥ or 元, such as 68 or 12.5",
    "expect-bool": "true or false",
    "expect-list": "a list (lines starting with '- ')",
    "expect-price": "a number such as 68, or {{amount: 68, unit: \"500g\"}}",
    "expect-currency": "a three-letter currency code such as CNY (人民币), or left out for CNY",
    "expect-variant": "name, price and unit",
    "expect-shop-link": "platform and url",
    "expect-gtin": "8, 12, 13 or 14 digits in straight quotes, e.g. gtin: \"6901234567892\"",
    "expect-contact": "phone, email and address lines",
    "expect-toml-text": "text in quotes",
    "expect-toml-int": "a whole number",
    "expect-toml-bool": "true or false",
    "expect-toml-list": "a list [...]",
    "expect-toml-float": "a number",
    "expect-toml-table": "a table",
    "expect-either": "{first} or {second}",
    "expect-contact-table": "a table with phone, email, address",
    "expect-term-tables": "tables such as [{kind}.some-id]",
    "expect-term-table": "a table with zh and en",
    "expect-bucket": "a bucket name of lowercase letters, digits and '-', e.g. \"lishui-catalog\"",
    "expect-region": "a region id such as \"cn-hangzhou\" or \"ap-guangzhou\"",
    "expect-addressing-style": "\"virtual\" or \"path\"",
    "expect-signature-version": "\"s3v4\" (the default) or \"s3\" (Alibaba Cloud OSS)",
    "expect-endpoint": "an address such as \"https://oss-cn-hangzhou.aliyuncs.com\"",
    "expect-endpoint-no-user": "an address without a user name or password (credentials go in the environment, "
    "see docs/hosting.md)",
    "expect-zero-or-more": "0 or more",
    "expect-whole-range": "a whole number from {low} to {high}",
    "expect-seconds-range": "a number of seconds from {low} to {high}",
    "expect-cache-control": "a Cache-Control value in quotes, e.g. \"public, max-age=300\"",
    "expect-one-line": "a single-line header value",
    "expect-prefix": "a folder path without '.' or '..'",
}

# Parameters a translation may leave out: another program's own English words, which help someone searching the web
# for them but only stand in the way of a county editor (the advice beside them says what to do).
MAY_OMIT: dict[str, frozenset[str]] = {"yaml-syntax": frozenset({"problem"})}

ENGLISH: dict[str, str] = {**PROBLEMS, **PUBLISH, **WORDS, **UI, **HELP, **ARGPARSE}
assert len(ENGLISH) == sum(map(len, (PROBLEMS, PUBLISH, WORDS, UI, HELP, ARGPARSE))), "a code defined twice"
