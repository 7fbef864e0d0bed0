package message_test

import (
	"fmt"

	"vigie.dev/vigie/internal/message"
)

func ExampleParse() {
	raw := []byte("From: =?UTF-8?Q?Service_Client_Orange?= <facture@orange-factures.example>\r\n" +
		"To: jean.dupont@example-hopital.fr\r\n" +
		"Subject: =?UTF-8?B?Vm90cmUgZmFjdHVyZSBlc3QgZGlzcG9uaWJsZQ==?=\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"\r\n" +
		"<p>R&eacute;glez votre facture&nbsp;:</p>" +
		"<a href=\"https://orange.fr@pay.example-bad.ru/f?id=1\">Payer</a>\r\n")
	m := message.Parse(raw, message.DefaultLimits())
	fmt.Println(m.FromAddr().Name, "/", m.FromAddr().Domain())
	fmt.Println(m.Subject)
	fmt.Printf("%q\n", m.HTMLText)
	for _, u := range m.URLs {
		fmt.Println(u.Source, u.Host, u.Text)
	}
	fmt.Println(len(m.Defects), "defects")
	// Output:
	// Service Client Orange / orange-factures.example
	// Votre facture est disponible
	// "Réglez votre facture :\nPayer"
	// href pay.example-bad.ru Payer
	// 0 defects
}

func ExampleSniff() {
	fmt.Println(message.Sniff([]byte("PK\x03\x04\x14\x00\x06\x00")))
	fmt.Println(message.Sniff([]byte("\xef\xbb\xbf<!DOCTYPE html><html><body><form action=x>")))
	// Output:
	// application/zip
	// text/html
}
