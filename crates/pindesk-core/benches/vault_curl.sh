#!/usr/bin/env bash
# One Vault passcode flow done the documented way, for the `flows` benchmark: one `curl` per
# call, `jq` to read the key answer, and `openssl pkeyutl` (PKCS#1 v1.5) for the encryption.
# Prints the flow's duration in microseconds, measured with $EPOCHREALTIME (no process of its
# own), leaving out the sandbox-only call that reads the SMS code the cardholder would read out.
#
# Environment: VAULT_BASE, VAULT_TOKEN, VAULT_CARD, PASSCODE, WORK_DIR.
set -euo pipefail

call() { # method path [json body]
  local args=(-sS --fail -X "$1" -H "Authorization: Bearer $VAULT_TOKEN" -H 'Accept: application/json')
  if [[ $# -gt 2 ]]; then args+=(-H 'Content-Type: application/json' -d "$3"); fi
  curl "${args[@]}" "$VAULT_BASE$2"
}

micros() { local t=${1/[.,]/}; echo $((10#$t)); }

t0=$EPOCHREALTIME
call POST "/v2/card/$VAULT_CARD/passcode/sms/send" >/dev/null
paused=$EPOCHREALTIME
code=$(curl -sS --fail "$VAULT_BASE/_sandbox/sms/$VAULT_CARD" | jq -r .code)
resumed=$EPOCHREALTIME
call POST "/v2/card/$VAULT_CARD/passcode/sms/verify" "{\"code\":\"$code\"}" >/dev/null
key=$(call GET /v2/card/rsa-public-key)
key_id=$(jq -r .id <<<"$key")
jq -r .publicKey <<<"$key" | base64 -d >"$WORK_DIR/vault-key.der"
pass=$(printf '%s' "$PASSCODE" |
  openssl pkeyutl -encrypt -pubin -keyform DER -inkey "$WORK_DIR/vault-key.der" \
    -pkeyopt rsa_padding_mode:pkcs1 | base64 -w0)
call POST "/v2/card/$VAULT_CARD/passcode/code/set" \
  "{\"keyId\":\"$key_id\",\"code\":\"$code\",\"passCode\":\"$pass\"}" >/dev/null
t1=$EPOCHREALTIME

echo $(($(micros "$t1") - $(micros "$t0") - ($(micros "$resumed") - $(micros "$paused"))))
