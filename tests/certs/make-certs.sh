#!/bin/sh
# make-certs.sh - regenerate the test-only PKI used by tests/unit/test_tls.c.
# Run from anywhere: ./tests/certs/make-certs.sh (writes next to itself).
# Every key here is published in the tree: NEVER trust ca.pem outside tests.
#
# Keys are EC P-256 (fast to make, accepted at every security level).
# The CA and the "good" certificates are valid for 100 years (to 2126) so the tree does
# not rot; only expired.pem is meant to be out of date.
#
#   ca.pem / ca.key           the test CA (self-signed, CA:TRUE); tests pass
#                             it as ca_file. Not in any system store.
#   good.pem / .key           server cert from the CA, SAN DNS:localhost,
#                             IP:127.0.0.1, IP:::1: verifies by name and by IP.
#   wrongname.pem / .key      server cert from the CA, SAN DNS:wrong.example:
#                             chain fine, name wrong (hostname mismatch).
#   expired.pem / .key        server cert from the CA for localhost/127.0.0.1,
#                             valid 2020-01-01 .. 2021-01-01 (made with
#                             `openssl ca -startdate/-enddate`): "expired".
#   selfsigned.pem / .key     self-signed (not from the CA), SAN DNS:localhost,
#                             IP:127.0.0.1: fails FULL, passes NAME_ONLY.
#   selfwrong.pem / .key      self-signed, SAN DNS:wrong.example: fails even
#                             NAME_ONLY (the name check is never skipped).
#   nameonly.pem / .key       from the CA, SAN DNS:localhost only, CN=127.0.0.1:
#                             a name certificate used for an IP connection
#                             must fail (the CN is not an IP SAN).
#   nulname.pem / .key        from the CA, SAN dNSName "localhost\0.evil.test"
#                             (an embedded NUL, via subjectAltName=DER:...):
#                             must not match "localhost".
#   client.pem / .key         client certificate from the CA (clientAuth),
#                             for the client-certificate test.
set -eu

dir=$(cd "$(dirname "$0")" && pwd)
cd "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# A minimal config so the system's openssl.cnf adds nothing of its own.
cat > "$tmp/req.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
CNF

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }

# leaf NAME CN SAN EKU: a certificate for NAME signed by the CA.
leaf() {
    newkey "$1"
    openssl req -new -config "$tmp/req.cnf" -key "$1.key" -subj "/CN=$2" -out "$tmp/$1.csr"
    cat > "$tmp/$1.ext" <<EXT
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = $4
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $3
EXT
    openssl x509 -req -in "$tmp/$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -CAserial "$tmp/ca.srl" -days 36500 -sha256 -extfile "$tmp/$1.ext" -out "$1.pem"
}

# selfsigned NAME CN SAN: a self-signed leaf certificate.
selfsigned() {
    newkey "$1"
    openssl req -x509 -new -config "$tmp/req.cnf" -key "$1.key" -subj "/CN=$2" \
        -days 36500 -sha256 \
        -addext "basicConstraints=critical,CA:FALSE" \
        -addext "keyUsage=critical,digitalSignature" \
        -addext "extendedKeyUsage=serverAuth" \
        -addext "subjectAltName=$3" -out "$1.pem"
}

# The CA.
newkey ca
openssl req -x509 -new -config "$tmp/req.cnf" -key ca.key -subj "/CN=libnet test CA (test only)" \
    -days 36500 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out ca.pem

leaf good localhost "DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth
leaf wrongname wrong.example "DNS:wrong.example" serverAuth
leaf nameonly 127.0.0.1 "DNS:localhost" serverAuth
leaf client "libnet test client" "email:client@example.test" clientAuth

# nulname: GeneralNames ::= SEQUENCE { [2] IA5String "localhost\0.evil.test" }.
# Both lengths are below 128, so each is one byte (short form).
name_hex=$(printf 'localhost\000.evil.test' | od -An -v -tx1 | tr -d ' \n')
name_len=$(( ${#name_hex} / 2 ))
gn_hex=$(printf '82%02x%s' "$name_len" "$name_hex")
der_hex=$(printf '30%02x%s' $(( ${#gn_hex} / 2 )) "$gn_hex")
der_colon=$(printf '%s' "$der_hex" | sed 's/../&:/g; s/:$//')
leaf nulname localhost "DER:$der_colon" serverAuth

selfsigned selfsigned localhost "DNS:localhost,IP:127.0.0.1"
selfsigned selfwrong wrong.example "DNS:wrong.example"

# expired: `openssl ca` is the only CLI way to set past validity dates.
mkdir -p "$tmp/ca"
: > "$tmp/ca/index.txt"
echo 1000 > "$tmp/ca/serial"
cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca = testca
[testca]
dir = $tmp/ca
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
x509_extensions = leaf_ext
[anything]
commonName = supplied
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost,IP:127.0.0.1
CNF
newkey expired
openssl req -new -config "$tmp/req.cnf" -key expired.key -subj "/CN=localhost" -out "$tmp/expired.csr"
openssl ca -batch -notext -config "$tmp/ca.cnf" -in "$tmp/expired.csr" \
    -startdate 20200101000000Z -enddate 20210101000000Z -out expired.pem 2>"$tmp/ca.log" \
    || { cat "$tmp/ca.log" >&2; exit 1; }

chmod 644 ./*.pem ./*.key
echo "certificates written to $dir"
